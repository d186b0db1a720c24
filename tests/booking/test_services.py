"""The booking services: rules that the API and the web share."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from booking import services
from booking.models import Booking
from booking.validators import org_number_is_valid
from config.errors import ConflictError
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def book(people, room=None, start=None, hours=2, **extra):
    start = start or next_weekday_at(1, 18)
    fields = {
        "room": room or people.room,
        "organisation": people.org_a,
        "by": people.alice,
        "start": start,
        "end": start + dt.timedelta(hours=hours),
        "title": "Sjakkturnering",
        "attendees": 20,
        **extra,
    }
    return services.booking_create(**fields)


def field_of(error: ValidationError) -> str:
    return next(iter(error.message_dict))


@pytest.mark.parametrize(
    ("room_rules", "start_delta", "hours", "field"),
    [
        ({"min_notice_minutes": 60 * 24 * 30}, None, 2, "start"),
        ({"booking_horizon_days": 3}, None, 2, "start"),
        ({"min_booking_minutes": 180}, None, 2, "end"),
        ({"max_booking_minutes": 60}, None, 2, "end"),
        ({"slot_step_minutes": 60}, dt.timedelta(minutes=30), 2, "start"),
        ({"capacity": 5}, None, 2, "attendees"),
        ({"is_active": False}, None, 2, "room"),
    ],
)
def test_each_room_rule_refuses_with_its_field(people, room_rules, start_delta, hours, field):
    room = RoomFactory(**room_rules)
    start = next_weekday_at(1, 18) + (start_delta or dt.timedelta(0))
    with pytest.raises(ValidationError) as caught:
        book(people, room=room, start=start, hours=hours)
    assert field_of(caught.value) == field
    assert Booking.objects.count() == 0


def test_moving_a_booking_onto_a_taken_time_is_a_conflict_and_changes_nothing(people):
    first = book(people)
    second = book(people, start=first.end)
    with pytest.raises(ConflictError):
        services.booking_update(booking=second, by=people.alice, start=first.start)
    second.refresh_from_db()
    assert second.start == first.end


def test_moving_within_its_own_time_is_not_a_conflict_with_itself(people):
    booking = book(people, hours=2)
    services.booking_update(
        booking=booking, by=people.alice, end=booking.end - dt.timedelta(hours=1)
    )
    booking.refresh_from_db()
    assert booking.end - booking.start == dt.timedelta(hours=1)


def test_moving_a_confirmed_booking_in_an_approval_room_asks_again(people):
    room = RoomFactory(requires_approval=True)
    booking = book(people, room=room)
    services.booking_approve(booking=booking, by=people.olga)
    services.booking_update(
        booking=booking,
        by=people.alice,
        start=booking.start + dt.timedelta(days=1),
        end=booking.end + dt.timedelta(days=1),
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_cancel_twice_is_harmless_and_approve_needs_pending(people):
    booking = book(people)
    services.booking_cancel(booking=booking, by=people.alice, reason="Avlyst")
    services.booking_cancel(booking=booking, by=people.alice)
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "Avlyst")
    with pytest.raises(ValidationError):
        services.booking_approve(booking=booking, by=people.olga)


def test_only_officers_decide(people):
    booking = book(people, room=RoomFactory(requires_approval=True))
    with pytest.raises(PermissionDenied):
        services.booking_approve(booking=booking, by=people.alice)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_private_person_books_without_organisation(people):
    booking = book(people, organisation=None, by=people.carl)
    assert booking.organisation is None and booking.booked_by == people.carl


def test_member_cannot_book_for_another_organisation(people):
    with pytest.raises(ValidationError) as caught:
        book(people, organisation=people.org_b)
    assert field_of(caught.value) == "organisation"


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("974760673", True),  # Brønnøysundregistrene
        ("971524960", True),
        ("974760674", False),
        ("97476067", False),
        ("97476067a", False),
    ],
)
def test_organisation_number_modulus_11(number, valid):
    assert org_number_is_valid(number) is valid
