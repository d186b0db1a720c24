"""The booking services: rules that the API and the web share."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from booking import services
from booking.calendar_links import calendar_link_renew
from booking.models import Booking
from booking.series import series_create
from booking.series_changes import series_cancel_from, series_decide
from booking.timeutil import OSLO
from booking.validators import org_number_is_valid
from config.errors import ConflictError
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, MembershipFactory, RoomFactory

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
    if fields["organisation"] is None:  # a private person is invoiced at home
        fields.setdefault("payer_name", "Carl Vaktmester")
        fields.setdefault("payer_address", "Lia 4, 1430 Ås")
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


def stale_copy(booking: Booking) -> Booking:
    """The booking as a request read it, before someone else's change."""
    return Booking.objects.select_related("room__site", "organisation").get(pk=booking.pk)


@pytest.mark.parametrize("ending", ["cancel", "reject"])
def test_a_change_read_before_a_cancel_or_rejection_is_refused_and_brings_nothing_back(
    people, ending
):
    booking = book(people, room=RoomFactory(requires_approval=ending == "reject"))
    read_by_the_patch = stale_copy(booking)
    if ending == "cancel":
        services.booking_cancel(booking=booking, by=people.alice, reason="Avlyst")
    else:
        services.booking_reject(booking=booking, by=people.olga, note="Opptatt")
    with pytest.raises(ValidationError) as caught:
        services.booking_update(booking=read_by_the_patch, by=people.alice, title="Endret")
    assert field_of(caught.value) == "status"
    booking.refresh_from_db()
    assert booking.status == ("cancelled" if ending == "cancel" else "rejected")
    assert booking.title == "Sjakkturnering"


def test_a_change_writes_only_its_fields_and_each_change_counts_in_the_sequence(people):
    booking = book(people)
    first, second = stale_copy(booking), stale_copy(booking)
    services.booking_update(booking=first, by=people.alice, notes="Nøkkel hos vaktmester")
    services.booking_update(booking=second, by=people.alice, title="Lynsjakk")
    booking.refresh_from_db()
    assert (booking.title, booking.notes) == ("Lynsjakk", "Nøkkel hos vaktmester")
    assert booking.sequence == 2
    assert second.sequence == 2  # the caller's copy is brought up to date


def started_booking(people, organisation=None, by=None, start_days=0, **extra) -> Booking:
    """A row set in the past (an hour ago, or ``start_days`` from then): the scene only."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    start += dt.timedelta(days=start_days)
    return BookingFactory(
        room=people.room, organisation=organisation or people.org_a,
        booked_by=by or people.alice, start=start, end=start + dt.timedelta(hours=2), **extra,
    )  # fmt: skip


def weekly(people, first: dt.date, weeks: int = 3):
    """A Tuesday series of org A; ``first`` may lie in the past (the clock is set back)."""
    now = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(12), tzinfo=OSLO)
    _series, bookings, _plan = series_create(
        room=people.room, organisation=people.org_a, by=people.alice, weekdays=[first.weekday()],
        start_time=dt.time(18), end_time=dt.time(20), first=first,
        until=first + dt.timedelta(weeks=weeks - 1), title="Øving", attendees=5, now=now,
    )  # fmt: skip
    return bookings


WRITES = {
    "cancel": lambda booking, by: services.booking_cancel(booking=booking, by=by, reason="Nei"),
    "change": lambda booking, by: services.booking_update(booking=booking, by=by, title="Kapret"),
    "cancel_following": lambda booking, by: series_cancel_from(booking=booking, by=by),
}


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("stranger", ["bob", "carl"])
def test_the_services_refuse_a_stranger_and_change_nothing(people, write, stranger):
    """bob is in another organisation; carl is the room's caretaker, not a member."""
    booking = weekly(people, next_weekday_at(1, 18).date())[0]
    before = Booking.objects.values().get(pk=booking.pk)
    with pytest.raises(PermissionDenied):
        WRITES[write](booking, getattr(people, stranger))
    assert Booking.objects.values().get(pk=booking.pk) == before
    assert Booking.objects.filter(status="cancelled").count() == 0


def test_a_private_booking_is_the_bookers_alone(people):
    mine = book(people, organisation=None, by=people.carl)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=mine, by=people.alice)
    services.booking_cancel(booking=mine, by=people.carl)
    assert Booking.objects.get(pk=mine.pk).status == "cancelled"


@pytest.mark.parametrize("kind", ["organisation", "site"])
def test_only_admins_caretakers_and_officers_renew_a_calendar_link(people, kind):
    owner = people.org_a if kind == "organisation" else people.room.site
    type(owner).objects.filter(pk=owner.pk).update(calendar_token="gammel")
    owner.refresh_from_db()
    MembershipFactory(user=people.bob, organisation=people.org_a)  # a member, not an admin
    stranger = people.bob if kind == "organisation" else people.alice
    with pytest.raises(PermissionDenied):
        calendar_link_renew(owner=owner, by=stranger)
    owner.refresh_from_db()
    assert owner.calendar_token == "gammel"
    allowed = people.alice if kind == "organisation" else people.carl
    for by in (allowed, people.olga):
        token = calendar_link_renew(owner=owner, by=by)
        owner.refresh_from_db()
        assert owner.calendar_token == token != "gammel"


def test_a_member_cannot_cancel_a_booking_that_has_started_or_taken_place(people):
    for booking in (started_booking(people), started_booking(people, start_days=-7)):
        with pytest.raises(ValidationError) as caught:
            services.booking_cancel(booking=booking, by=people.alice, reason="Glemte det")
        assert field_of(caught.value) == "start"
        booking.refresh_from_db()
        assert (booking.status, booking.cancelled_by) == ("confirmed", None)


def test_an_officer_corrects_the_past_only_with_a_reason_which_is_recorded(people):
    booking = started_booking(people)
    with pytest.raises(ValidationError) as caught:
        services.booking_cancel(booking=booking, by=people.olga, reason="  ")
    assert field_of(caught.value) == "reason"
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    services.booking_cancel(booking=booking, by=people.olga, reason="Skolen var stengt")
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_by) == (
        "cancelled", "Skolen var stengt", people.olga,
    )  # fmt: skip


def test_cancelling_the_rest_of_a_series_from_a_past_week_is_for_officers_with_a_reason(people):
    last_week = (timezone.now() - dt.timedelta(days=7)).astimezone(OSLO).date()
    bookings = weekly(people, last_week)
    with pytest.raises(ValidationError) as caught:
        series_cancel_from(booking=bookings[0], by=people.alice)
    assert field_of(caught.value) == "start"
    with pytest.raises(ValidationError) as caught:
        series_cancel_from(booking=bookings[0], by=people.olga)
    assert field_of(caught.value) == "reason"
    assert Booking.objects.filter(status="cancelled").count() == 0
    assert series_cancel_from(booking=bookings[1], by=people.alice) == 2  # from next week on
    assert series_cancel_from(booking=bookings[0], by=people.olga, reason="Feilført") == 1


def test_a_rejection_needs_a_reason(people):
    booking = book(people, room=RoomFactory(requires_approval=True))
    for note in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            services.booking_reject(booking=booking, by=people.olga, note=note)
        assert field_of(caught.value) == "note"
    with pytest.raises(ValidationError) as caught:
        series_decide(series=weekly(people, next_weekday_at(1, 18).date())[0].series,
                      by=people.olga, approve=False)  # fmt: skip
    assert field_of(caught.value) == "note"
    assert Booking.objects.filter(status="rejected").count() == 0
    services.booking_reject(booking=booking, by=people.olga, note="Gymsalen males")
    assert Booking.objects.get(pk=booking.pk).decision_note == "Gymsalen males"
