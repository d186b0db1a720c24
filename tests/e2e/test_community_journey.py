"""The voluntary sector made visible, end to end: an organisation's administrator opts in,
writes the public profile and publishes an event at one of its bookings; a visitor finds
the organisation in the directory by a misspelt activity word (PostgreSQL search), opens
its page and sees the event there; the activity calendar shows the event beside another
organisation's public booking in the same week."""

import datetime as dt

import pytest
from django.db import connection

from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.e2e.conftest import visit
from tests.e2e.test_community_dir import opt_in_and_write_the_profile
from tests.factories import BookingFactory, RoomFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search"),
]


def test_an_organisation_made_visible_from_profile_to_calendar(people, new_page):
    organisation = people.org_a
    start = next_weekday_at(2, 18)
    booking = BookingFactory(room=people.room, organisation=organisation, booked_by=people.alice,
                             start=start, end=start + dt.timedelta(hours=3),
                             title="Klubbkveld")  # fmt: skip
    BookingFactory(room=RoomFactory(name="Kulturhuset"), organisation=people.org_b,
                   booked_by=people.bob, start=start + dt.timedelta(days=1),
                   end=start + dt.timedelta(days=1, hours=2), public=True,
                   title="Åpen korpsøvelse")  # fmt: skip
    admin = new_page(1280)
    opt_in_and_write_the_profile(admin, organisation)  # signs in as alice
    admin.goto(f"/organisations/{organisation.pk}/events/new/")
    admin.fill("#id_title", "Åpen sjakkturnering")
    admin.fill("#id_description", "Alle kan være med.")
    admin.select_option("#id_booking", str(booking.pk))
    admin.select_option("#id_category", "recreation")
    admin.locator("input[name=age_groups][value=all]").check()
    admin.get_by_role("button", name="Publiser").click()
    admin.wait_for_url("**/events/*/")

    visitor = new_page()
    visitor.goto("/organisations/")
    visitor.fill("#id_q", "lynsjak")  # «lynsjakk» misspelt
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_url("**/organisations/?*q=lynsjak*")
    visitor.get_by_role("link", name=organisation.name).click()
    visitor.wait_for_url(f"**/organisations/{organisation.pk}/about/")
    assert visitor.get_by_role("link", name="Åpen sjakkturnering").count() == 1
    visit(visitor, "journey-organisation-page")
    visitor.goto(f"/calendar/?week={start.astimezone(OSLO).date()}")
    assert visitor.get_by_role("link", name="Åpen sjakkturnering").count() == 1
    assert visitor.get_by_text("Åpen korpsøvelse").count() == 1
    visit(visitor, "journey-calendar")
