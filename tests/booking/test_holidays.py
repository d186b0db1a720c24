"""Public holidays (helligdager): named in the week view, skipped by weekly series."""

import datetime as dt

import pytest

from booking.models import Booking, Closure
from booking.public_holidays import public_holidays
from booking.series import series_create, series_plan
from booking.timeutil import OSLO, UTC
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 8, 1, tzinfo=UTC)
THURSDAY = 3
MAUNDY_THURSDAY, ASCENSION_DAY = dt.date(2027, 3, 25), dt.date(2027, 5, 6)
CHRISTMAS_EVE, NEW_YEARS_EVE = dt.date(2026, 12, 24), dt.date(2026, 12, 31)


@pytest.fixture
def room():
    return RoomFactory(
        booking_horizon_days=800, hours=[(d, dt.time(8), dt.time(23)) for d in range(7)]
    )


def thursdays(people, room, **extra):
    fields = {
        "room": room, "organisation": people.org_a, "by": people.alice, "weekdays": [THURSDAY],
        "start_time": dt.time(18), "end_time": dt.time(20), "first": dt.date(2026, 12, 1),
        "until": dt.date(2027, 6, 30), "title": "Korpsøvelse", "attendees": 20, "now": NOW,
    }  # fmt: skip
    fields.update(extra)
    return series_create(**fields)


def booked_dates() -> set[dt.date]:
    return {b.start.astimezone(OSLO).date() for b in Booking.objects.filter(series__isnull=False)}


def test_the_package_lists_named_holidays_only_not_every_sunday():
    found = public_holidays(dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert found[MAUNDY_THURSDAY] == "Skjærtorsdag"
    assert found[ASCENSION_DAY] == "Kristi himmelfartsdag"
    assert dt.date(2027, 3, 28) in found  # Easter Sunday is a named holiday
    assert dt.date(2027, 3, 21) not in found  # an ordinary Sunday is not
    assert CHRISTMAS_EVE not in public_holidays(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert len(found) == 11  # twelve holidays; 17 May 2027 is also Whit Monday


def test_a_thursday_series_skips_maundy_thursday_and_ascension_day(people, room):
    _series, bookings, plan = thursdays(people, room)
    holidays = {o.date: o.reason for o in plan.occurrences if o.state == "holiday"}
    assert holidays == {MAUNDY_THURSDAY: "Skjærtorsdag", ASCENSION_DAY: "Kristi himmelfartsdag"}
    booked = booked_dates()
    assert MAUNDY_THURSDAY not in booked and ASCENSION_DAY not in booked
    assert {CHRISTMAS_EVE, NEW_YEARS_EVE} <= booked
    assert len(bookings) == len(plan.occurrences) - 2 == 28


def test_holidays_do_not_make_an_all_or_nothing_series_fail(people, room):
    _series, bookings, plan = thursdays(people, room, on_conflict="fail")
    assert len(bookings) == 28 and len(plan.not_free) == 2 and plan.blocked == []


def test_include_holidays_books_them(people, room):
    _series, bookings, plan = thursdays(people, room, include_holidays=True)
    assert len(bookings) == len(plan.occurrences) == 30
    assert {MAUNDY_THURSDAY, ASCENSION_DAY, CHRISTMAS_EVE, NEW_YEARS_EVE} <= booked_dates()


def test_a_closure_on_new_years_eve_still_closes_it(people, room):
    Closure.objects.create(
        room=room,
        start=dt.datetime(2026, 12, 31, 12, tzinfo=OSLO),
        end=dt.datetime(2027, 1, 2, tzinfo=OSLO),
        reason="Nyttår",
    )
    plan = series_plan(
        room=room, organisation=people.org_a, weekdays=[THURSDAY], start_time=dt.time(18),
        end_time=dt.time(20), first=dt.date(2026, 12, 1), until=dt.date(2027, 6, 30),
        attendees=20, now=NOW,
    )  # fmt: skip
    states = {o.date: o.state for o in plan.occurrences}
    assert states[NEW_YEARS_EVE] == "closed"
    assert states[CHRISTMAS_EVE] == "free"


def next_thursday_holiday() -> dt.date:
    today = dt.datetime.now(OSLO).date()
    found = public_holidays(today + dt.timedelta(weeks=2), today + dt.timedelta(days=800))
    return next(day for day in found if day.weekday() == THURSDAY)


def test_api_preview_marks_the_holiday_and_include_holidays_books_it(people, client_for):
    room = RoomFactory(booking_horizon_days=800)
    holiday = next_thursday_holiday()
    first = holiday - dt.timedelta(weeks=1)
    body = {
        "room": room.pk, "organisation": people.org_a.pk, "start": f"{first}T18:00",
        "end": f"{first}T20:00", "title": "Øvelse", "attendees": 10,
        "recurrence": {"weekdays": [THURSDAY], "until": str(holiday + dt.timedelta(weeks=1))},
    }  # fmt: skip
    client = client_for(people.alice)
    preview = client.post("/api/v1/bookings/", {**body, "preview": True}, format="json")
    assert preview.status_code == 200, preview.json()
    weeks = preview.json()["occurrences"]
    assert [w["state"] for w in weeks] == ["free", "holiday", "free"]
    assert weeks[1]["reason"] == public_holidays(holiday, holiday)[holiday]
    created = client.post("/api/v1/bookings/", body, format="json")
    assert created.status_code == 201, created.json()
    assert len(created.json()["booked"]) == 2
    assert [w["state"] for w in created.json()["skipped"]] == ["holiday"]
    Booking.objects.all().delete()
    everything = client.post("/api/v1/bookings/", {**body, "include_holidays": True}, format="json")
    assert everything.status_code == 201, everything.json()
    assert len(everything.json()["booked"]) == 3
