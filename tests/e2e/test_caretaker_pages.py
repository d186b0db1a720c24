"""The caretaker's morning: today's schedule on the phone, a no-show, one printed page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from booking.models import Booking, BookingReport, Profile
from booking.timeutil import OSLO
from tests.e2e.conftest import log_in, visit
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def busy_day(people):
    """Twenty bookings today at carl's school, in six rooms; the one in Aulaen has begun."""
    Profile.objects.create(user=people.alice, phone="+47 911 22 333")
    rooms = [RoomFactory(site=people.room.site, name=f"Klasserom {n}") for n in range(1, 6)]
    now = timezone.now()
    midnight = dt.datetime.combine(timezone.localdate(), dt.time(0), tzinfo=OSLO)
    started = max(now - dt.timedelta(minutes=30), midnight)
    first = Booking.objects.create(
        room=people.room, organisation=people.org_a, booked_by=people.alice, start=started,
        end=started + dt.timedelta(minutes=20), title="Morgentrening", attendees=8,
        status="confirmed", notes="Matter fram",
    )  # fmt: skip
    for n in range(19):
        start = midnight + dt.timedelta(hours=8 + n // 5 * 3, minutes=0)
        Booking.objects.create(
            room=rooms[n % 5], organisation=people.org_b if n % 2 else people.org_a,
            booked_by=people.bob if n % 2 else people.alice, start=start,
            end=start + dt.timedelta(hours=2), title=f"Økt {n}", attendees=10 + n,
            status="confirmed", notes="Stoler i ring, projektor på" if n % 3 == 0 else "",
        )  # fmt: skip
    return first


def test_the_caretaker_sees_today_marks_a_no_show_and_prints_one_page(people, busy_day, page):
    log_in(page, "carl")
    page.goto("/caretaker/")
    page.wait_for_url("**/caretaker/*/*/")
    assert "Ås Sjakklubb" in page.locator("main").inner_text()
    assert page.locator(".run").count() == 20
    visit(page, "caretaker-day")
    first = page.locator(".run", has_text="Matter fram")
    first.get_by_role("button", name=re.compile("Møtte ikke opp")).click()
    page.locator("dialog[open]").get_by_role("button", name="Ja, registrer det").click()
    page.wait_for_url("**/caretaker/*/*/")
    assert "Registrert for Aulaen" in page.locator(".messages").inner_text()
    assert BookingReport.objects.get().booking == busy_day
    assert "Møtte ikke opp" in page.locator(".run", has_text="Matter fram").inner_text()

    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))
    assert pages == 1, f"the day's 20 bookings printed on {pages} A4 pages"


def test_the_activity_calendar_and_calendar_links_pages(people, page):
    page.goto("/calendar/")
    visit(page, "activity-calendar")
    log_in(page, "alice")
    page.goto("/calendar/links/")
    page.get_by_role("button", name=re.compile("Lag lenke")).first.click()
    page.locator("dialog[open]").get_by_role("button", name="Ja, lag ny lenke").click()
    page.wait_for_url("**/calendar/links/")
    assert page.get_by_role("link", name=re.compile("Kalenderstrøm")).count() == 1
    visit(page, "calendar-links")
