"""Serializers with fields bound once per class (booking/api/shared.py) give what DRF's
own per-use fields give: the same data, the same errors, one use after another."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils.functional import cached_property
from rest_framework import serializers

from booking.api.serializers import (
    BookingCreatedSerializer,
    BookingCreateSerializer,
    BookingSerializer,
    DayAvailabilitySerializer,
)
from booking.selectors import room_availability
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def drf_own(shared):
    """The same serializer with DRF's own fields, deep-copied and bound for each use."""
    return type(
        f"Own{shared.__name__}",
        (shared,),
        {"fields": cached_property(serializers.Serializer.fields.func)},
    )


def test_a_booking_reads_the_same(people):
    start = next_weekday_at(2, 18)
    bookings = [
        BookingFactory(room=people.room, organisation=org, booked_by=people.alice,
                       start=start + dt.timedelta(hours=i), price=Decimal("150.50") * i,
                       full_price=Decimal("500.00"),
                       end=start + dt.timedelta(hours=i + 1), price_reasons=[{"nb": "Leie"}])
        for i, org in enumerate([people.org_a, None, people.org_b])
    ]  # fmt: skip
    for booking in bookings:
        booking.public_overlaps = [b for b in bookings if b.pk != booking.pk]
        for shared in (BookingSerializer, BookingCreatedSerializer):
            assert shared(booking).data == drf_own(shared)(booking).data
    assert (
        BookingSerializer(bookings, many=True).data
        == drf_own(BookingSerializer)(bookings, many=True).data
    )
    assert BookingSerializer(bookings[0]).data["id"] != BookingSerializer(bookings[1]).data["id"]


def test_a_week_reads_the_same(people):
    start = next_weekday_at(2, 18)
    BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                   start=start, end=start + dt.timedelta(hours=2))  # fmt: skip
    days = room_availability(
        room=people.room, date_from=start.date(), date_to=start.date() + dt.timedelta(6),
        user=people.alice,
    )  # fmt: skip
    own = drf_own(DayAvailabilitySerializer)(days, many=True).data
    assert DayAvailabilitySerializer(days, many=True).data == own
    assert any(day["busy"] for day in own)


@pytest.mark.parametrize(
    "body",
    [
        {"room": "x", "start": "2027-13-01T10:00", "attendees": -1, "title": "a" * 100_000},
        {"room": 10**30, "start": "2027-03-28T02:30", "end": "2027-03-28T03:30",
         "attendees": 1, "title": "DST gap"},
        {"start": "2027-01-05T18:00", "end": "2027-01-05T17:00", "title": "", "attendees": 0,
         "recurrence": {"weekdays": [9], "until": "nope"}, "on_conflict": "maybe"},
        {"room": True, "organisation": "abc", "preview": "yes", "public": None},
    ],
)  # fmt: skip
def test_bad_input_gets_the_same_errors(people, body):
    shared, own = BookingCreateSerializer(data=body), drf_own(BookingCreateSerializer)(data=body)
    assert not shared.is_valid() and not own.is_valid()
    assert shared.errors == own.errors


def test_good_input_validates_the_same_one_use_after_another(people):
    start = next_weekday_at(2, 18)
    bodies = [
        {"room": people.room.pk, "organisation": people.org_a.pk, "title": "Sjakk",
         "start": (start + dt.timedelta(days=d)).isoformat(), "attendees": 8 + d,
         "end": (start + dt.timedelta(days=d, hours=1)).isoformat(),
         **({"recurrence": {"weekdays": [2], "until": "2027-06-01"}} if d else {})}
        for d in range(3)
    ]  # fmt: skip
    bad = {**bodies[0], "attendees": -5}
    for body in [*bodies, bad, *bodies]:
        shared, own = (
            BookingCreateSerializer(data=body),
            drf_own(BookingCreateSerializer)(data=body),
        )
        assert shared.is_valid() == own.is_valid()
        assert shared.errors == own.errors
        if own.is_valid():
            got, expected = dict(shared.validated_data), dict(own.validated_data)
            assert got.pop("room").pk == expected.pop("room").pk
            assert got == expected
