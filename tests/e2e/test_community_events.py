"""Browser: an organisation's administrator publishes an event at one of its bookings, and
the activity calendar shows it with another organisation's public booking that week."""

import datetime as dt

from booking.timeutil import OSLO
from community.models import Event
from tests.conftest import next_weekday_at
from tests.e2e.conftest import log_in, visit
from tests.factories import BookingFactory, RoomFactory


def test_an_admin_publishes_an_event_at_a_booking_and_the_calendar_shows_it(people, page):
    start = next_weekday_at(2, 18)
    booking = BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                             start=start, end=start + dt.timedelta(hours=3),
                             title="Klubbkveld")  # fmt: skip
    BookingFactory(room=RoomFactory(name="Kulturhuset"), organisation=people.org_b,
                   booked_by=people.bob, start=start + dt.timedelta(days=1),
                   end=start + dt.timedelta(days=1, hours=2), public=True,
                   title="Åpen korpsøvelse")  # fmt: skip
    log_in(page, "alice")
    page.goto(f"/organisations/{people.org_a.pk}/")
    page.get_by_role("link", name="Arrangementer").click()
    page.get_by_role("link", name="Nytt arrangement").click()
    page.wait_for_url("**/events/new/")
    visit(page, "event-form")
    page.fill("#id_title", "Åpen sjakkturnering")
    page.fill("#id_description", "Alle kan være med. Mer på https://sjakk.example.org/")
    page.select_option("#id_booking", str(booking.pk))
    page.select_option("#id_category", "recreation")
    page.locator("input[name=age_groups][value=all]").check()
    page.get_by_role("button", name="Publiser").click()
    page.wait_for_url("**/events/*/")
    event = Event.objects.get(title="Åpen sjakkturnering")
    assert (event.booking_id, event.start, event.site_id) == (
        booking.pk, booking.start, people.room.site_id)  # fmt: skip
    assert page.get_by_role("link", name="https://sjakk.example.org/").count() == 1
    page.goto(f"/calendar/?week={start.astimezone(OSLO).date()}")
    assert page.get_by_role("link", name="Åpen sjakkturnering").count() == 1
    assert page.get_by_text("Åpen korpsøvelse").count() == 1
    visit(page, "activity-calendar-events")
