"""The room week: a time grid on a wide screen, the day list on a phone, holidays named;
a weekly series previews a public holiday as «helligdag»."""

import datetime as dt

import pytest

from booking import services
from booking.timeutil import OSLO
from tests.booking.test_holidays import next_thursday_holiday
from tests.e2e.conftest import log_in, visit
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

EVENINGS = [(d, dt.time(16), dt.time(22)) for d in range(7)]


@pytest.fixture
def holiday_week(people):
    """A room open 16–22, the next Thursday public holiday, and a booking that Tuesday."""
    people.hall = RoomFactory(name="Gymsal", hours=EVENINGS)
    people.holiday = next_thursday_holiday()
    tuesday = people.holiday - dt.timedelta(days=2)
    services.booking_create(
        room=people.hall, organisation=people.org_b, by=people.bob,
        start=dt.datetime.combine(tuesday, dt.time(18), tzinfo=OSLO),
        end=dt.datetime.combine(tuesday, dt.time(20), tzinfo=OSLO),
        title="Korpsøvelse", attendees=20, public=True,
    )  # fmt: skip
    return people


def test_the_week_is_a_time_grid_at_1280_and_a_list_at_360(holiday_week, new_page):
    people = holiday_week
    url = f"/rooms/{people.hall.pk}/?week={people.holiday}"
    wide = new_page(1280)
    wide.goto(url)
    grid, days = wide.locator(".week-grid-wrap"), wide.locator("ol.week-list")
    assert grid.is_visible() and not days.is_visible()
    visit(wide, "room-week-grid")
    head = wide.locator(".week-grid .head .holiday").first
    assert head.is_visible() and head.inner_text() == "Skjærtorsdag"
    # The 18:00–20:00 booking starts level with the 18:00 hour and is two hours tall.
    block = wide.locator(".week-grid .b.busy", has_text="Korpsøvelse").bounding_box()
    hour_18 = wide.locator(".week-grid .hour", has_text="18:00").bounding_box()
    hour_19 = wide.locator(".week-grid .hour", has_text="19:00").bounding_box()
    assert abs(block["y"] - hour_18["y"]) < 2
    assert abs(block["height"] - 2 * (hour_19["y"] - hour_18["y"])) < 3
    grid.focus()  # the scrollable grid is reached by keyboard
    assert wide.evaluate("document.activeElement.classList.contains('week-grid-wrap')")
    assert wide.locator("a", has_text=".ics").is_visible()

    narrow = new_page(360)
    narrow.goto(url)
    assert narrow.locator("ol.week-list").is_visible()
    assert not narrow.locator(".week-grid-wrap").is_visible()
    assert narrow.locator(".week-list .holiday", has_text="Helligdag: Skjærtorsdag").is_visible()
    visit(narrow, "room-week-list")
    later = people.holiday + dt.timedelta(weeks=3)
    narrow.fill("#week-date", later.isoformat())
    narrow.locator(".week-tools button[type=submit]").click()
    monday = later - dt.timedelta(days=later.weekday())
    narrow.wait_for_url(lambda url: url.endswith(f"?week={later}"))
    assert narrow.locator("#week-date").input_value() == monday.isoformat()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_series_preview_marks_the_public_holiday_helligdag(holiday_week, new_page, width):
    people = holiday_week
    page = new_page(width)
    log_in(page, "alice")
    first = people.holiday - dt.timedelta(weeks=1)
    page.goto(f"/rooms/{people.hall.pk}/book/")
    page.fill("#id_date", first.isoformat())
    page.fill("#id_start_time", "18:00")
    page.fill("#id_end_time", "20:00")
    page.fill("#id_title", "Sjakk")
    page.fill("#id_attendees", "10")
    page.fill("#id_repeat_until", (people.holiday + dt.timedelta(weeks=1)).isoformat())
    page.locator("form[data-booking-form] button[value=book]").click()
    row = page.locator("tr.week.holiday")
    assert row.count() == 1
    assert "Helligdag" in row.inner_text() and "Skjærtorsdag" in row.inner_text()
    visit(page, f"series-preview-holiday-{width}")
    page.locator("button[value=confirm]").click()
    page.wait_for_url("**/bookings/")
    assert people.hall.bookings.filter(organisation=people.org_a).count() == 2
