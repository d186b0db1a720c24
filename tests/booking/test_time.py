"""Europe/Oslo time: naive input, the spring-forward gap, the autumn overlap."""

import datetime as dt

import pytest

from booking.models import Booking
from booking.services import booking_create
from booking.timeutil import OSLO, UTC, AmbiguousTimeError, NonExistentTimeError, localize

pytestmark = pytest.mark.django_db


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def next_spring_forward() -> dt.date:
    today = dt.datetime.now(OSLO).date()
    this_year = last_sunday(today.year, 3)
    return this_year if this_year > today + dt.timedelta(days=2) else last_sunday(today.year + 1, 3)


def test_localize_reads_naive_time_as_oslo():
    assert localize(dt.datetime(2027, 1, 14, 18, 0)).utcoffset() == dt.timedelta(hours=1)
    assert localize(dt.datetime(2027, 6, 14, 18, 0)).utcoffset() == dt.timedelta(hours=2)


def test_localize_refuses_the_gap_and_the_repeated_hour():
    with pytest.raises(NonExistentTimeError):
        localize(dt.datetime(2027, 3, 28, 2, 30))
    with pytest.raises(AmbiguousTimeError):
        localize(dt.datetime(2027, 10, 31, 2, 30))


def test_booking_across_spring_forward_lasts_its_real_two_hours(people):
    start = dt.datetime(2027, 3, 28, 1, 0, tzinfo=OSLO)
    end = dt.datetime(2027, 3, 28, 4, 0, tzinfo=OSLO)
    booking = booking_create(
        room=people.room,
        organisation=people.org_a,
        by=people.alice,
        start=start,
        end=end,
        title="Nattløp",
        attendees=10,
        now=dt.datetime(2027, 1, 4, 12, 0, tzinfo=UTC),
    )
    booking.refresh_from_db()
    assert booking.end - booking.start == dt.timedelta(hours=2)
    assert booking.start == dt.datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert booking.end == dt.datetime(2027, 3, 28, 2, 0, tzinfo=UTC)


def test_api_booking_across_spring_forward_is_stored_and_shown_right(people, client_for):
    day = next_spring_forward()
    people.room.booking_horizon_days = 400  # the next spring-forward can be a year away
    people.room.save()
    response = client_for(people.alice).post(
        "/api/v1/bookings/",
        {
            "room": people.room.pk,
            "organisation": people.org_a.pk,
            "start": f"{day}T01:00",
            "end": f"{day}T04:00",
            "title": "Nattløp",
            "attendees": 10,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["start"] == f"{day}T01:00:00+01:00"
    assert response.json()["end"] == f"{day}T04:00:00+02:00"
    booking = Booking.objects.get()
    assert booking.end - booking.start == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("field", "value", "word"),
    [
        ("start", "2027-03-28T02:30", "does not exist"),
        ("end", "2027-03-28T02:30", "does not exist"),
        ("start", "2027-10-31T02:30", "twice"),
        ("end", "2027-10-31T02:30:00", "twice"),
    ],
)
def test_naive_time_in_the_gap_or_the_repeated_hour_is_400_naming_the_field(
    people, client_for, field, value, word
):
    body = {
        "room": people.room.pk,
        "organisation": people.org_a.pk,
        "start": "2027-03-28T01:00",
        "end": "2027-03-28T04:00",
        "title": "Nattløp",
        "attendees": 10,
        field: value,
    }
    response = client_for(people.alice).post(
        "/api/v1/bookings/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert word in response.json()[field][0]
    assert Booking.objects.count() == 0


def test_an_offset_settles_the_repeated_hour(people, client_for):
    """02:30+02:00 and 02:30+01:00 on the autumn Sunday are two different instants."""
    first = dt.datetime.fromisoformat("2027-10-31T02:30:00+02:00")
    second = dt.datetime.fromisoformat("2027-10-31T02:30:00+01:00")
    assert second - first == dt.timedelta(hours=1)
    for start in (first, second):
        booking_create(
            room=people.room,
            organisation=people.org_a,
            by=people.alice,
            start=start,
            end=start + dt.timedelta(minutes=30),
            title="Nattløp",
            attendees=10,
            now=dt.datetime(2027, 10, 1, tzinfo=UTC),
        )
    assert Booking.objects.count() == 2
