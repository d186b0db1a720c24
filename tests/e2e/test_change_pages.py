"""A member moves a booking on the web (and meets a taken time); cancelling «this and
later weeks» says how many first: on a page of its own without JavaScript, in a dialog
with it."""

import datetime as dt
import re

import pytest

from booking import services
from booking.models import Booking
from booking.series import series_create
from tests.conftest import next_weekday_at
from tests.e2e.conftest import check_accessibility, log_in, visit
from tests.factories import BookingFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

EVENINGS = [(d, dt.time(16), dt.time(22)) for d in range(7)]


def wide_too(page) -> None:
    """axe again at a desktop's width (visit() checks at the phone's)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 800})
    check_accessibility(page)
    page.set_viewport_size(size)


@pytest.fixture
def evening(people):
    people.room.opening_hours.all().delete()
    services.opening_hours_set(room=people.room, windows=EVENINGS)
    start = next_weekday_at(1, 18)
    people.mine = BookingFactory(
        room=people.room, organisation=people.org_a, booked_by=people.alice,
        start=start, end=start + dt.timedelta(hours=2), title="Sjakktrening", attendees=8,
    )  # fmt: skip
    BookingFactory(
        room=people.room, organisation=people.org_b, booked_by=people.bob,
        start=start + dt.timedelta(hours=2), end=start + dt.timedelta(hours=4), title="Korps",
    )  # fmt: skip
    people.start = start
    return people


def test_a_member_moves_a_booking_and_meets_a_taken_time(evening, page):
    log_in(page, "alice")
    page.goto(f"/bookings/{evening.mine.pk}/")
    page.get_by_role("link", name="Endre booking").click()
    page.wait_for_url("**/change/")
    visit(page, "booking-change")
    wide_too(page)

    page.fill("#id_start_time", "20:00")
    page.fill("#id_end_time", "22:00")
    page.get_by_role("button", name="Lagre endringen").click()
    conflict = page.locator("#conflict")
    assert "Tiden er allerede opptatt" in conflict.inner_text()
    visit(page, "booking-change-conflict")
    wide_too(page)
    evening.mine.refresh_from_db()
    assert evening.mine.start == evening.start

    page.fill("#id_start_time", "16:00")
    page.fill("#id_end_time", "18:00")
    page.fill("#id_attendees", "12")
    page.get_by_role("button", name="Lagre endringen").click()
    page.wait_for_url(f"**/bookings/{evening.mine.pk}/")
    assert "Bookingen er endret" in page.locator(".messages").inner_text()
    evening.mine.refresh_from_db()
    assert evening.mine.start == evening.start - dt.timedelta(hours=2)
    assert evening.mine.attendees == 12
    assert "16:00–18:00" in page.locator("main").inner_text()


@pytest.fixture
def season(people):
    room = RoomFactory(name="Gymsal", booking_horizon_days=800, hours=EVENINGS)
    first = next_weekday_at(1, 18)
    series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[1],
        start_time=dt.time(18), end_time=dt.time(20), first=first.date(),
        until=first.date() + dt.timedelta(weeks=26), title="Sjakk", attendees=8,
    )  # fmt: skip
    return list(Booking.objects.order_by("start"))


def test_cancelling_later_weeks_says_how_many_on_a_page_without_javascript(
    people, season, browser, live_server
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 800},
        locale="nb-NO", java_script_enabled=False,
    )  # fmt: skip
    page = context.new_page()
    try:
        log_in(page, "alice")
        page.goto(f"/bookings/{season[3].pk}/")
        page.get_by_role("button", name="Avbestill denne og alle senere uker").click()
        page.wait_for_url("**/cancel/?following=1")
        assert "24 bookinger vil bli avbestilt" in page.locator("main").inner_text()
        assert Booking.objects.filter(status="cancelled").count() == 0
        page.get_by_role("button", name="Ja, avbestill 24 bookinger").click()
        page.wait_for_url("**/bookings/")
        assert Booking.objects.filter(status="cancelled").count() == 24
    finally:
        context.close()


def test_cancelling_later_weeks_says_how_many_in_a_dialog(people, season, page):
    log_in(page, "alice")
    page.goto(f"/bookings/{season[3].pk}/")
    page.get_by_role("button", name="Avbestill denne og alle senere uker").click()
    dialog = page.locator("dialog[open]")
    assert re.search(r"24 bookinger vil bli avbestilt", dialog.inner_text())
    assert page.url.endswith(f"/bookings/{season[3].pk}/")
    visit(page, "cancel-following-dialog")
    wide_too(page)
    dialog.get_by_role("link", name="Nei, gå tilbake").click()
    assert page.locator("dialog[open]").count() == 0
    assert Booking.objects.filter(status="cancelled").count() == 0

    page.get_by_role("button", name="Avbestill denne og alle senere uker").click()
    page.locator("dialog[open]").get_by_role("button", name="Ja, avbestill 24 bookinger").click()
    page.wait_for_url("**/bookings/")
    assert Booking.objects.filter(status="cancelled").count() == 24
    assert "24 bookinger er avbestilt" in page.locator(".messages").inner_text()


def test_the_confirm_page_and_the_accessibility_statement_pass_axe(people, season, page):
    log_in(page, "alice")
    page.goto(f"/bookings/{season[3].pk}/cancel/?following=1")
    visit(page, "cancel-following-confirm")
    wide_too(page)
    page.goto("/accessibility/")
    visit(page, "accessibility")
    wide_too(page)
