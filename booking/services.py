"""Every write to bookings, organisations and memberships goes through here."""

import datetime as dt
import random
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import notify, payers, roles

# Cancelling (booking/cancellation.py) and an officer's decision on a request
# (booking/decisions.py) live apart (STYLE 12); callers reach them here as before.
from booking.cancellation import (  # noqa: F401
    booking_cancel,
    check_may_cancel_started,
    require_manager,
)
from booking.decisions import (  # noqa: F401
    booking_approve,
    booking_reject,
    check_rejection_note,
)
from booking.facts import confirmed, facts_of
from booking.guidelines import guidelines_to_accept
from booking.locks import (
    DEADLOCK_RETRIES,
    is_deadlock,
    is_overlap_violation,
    queue_for_organisation,
    queue_for_room,
)
from booking.models import Booking, OpeningHours, Organisation, Room
from booking.pricing import quote_price
from booking.rules import check_closed, check_rules
from booking.signals import bookings_released
from booking.timeutil import UTC, to_local
from config.errors import ConflictError, EmailUnverified


class BookingConflict(ConflictError):
    def __init__(self, conflicts: list[Booking]):
        super().__init__(
            _("The room is already booked at this time."),
            [
                {"start": to_local(b.start).isoformat(), "end": to_local(b.end).isoformat()}
                for b in conflicts
            ],
        )
        self.bookings = conflicts


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _conflicts(room: Room, start: dt.datetime, end: dt.datetime, exclude_pk=None) -> list[Booking]:
    qs = Booking.objects.filter(
        room=room, status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.only("start", "end").order_by("start"))


def _save_guarded(booking: Booking, *, facts, price=None, then=None) -> None:
    """Insert unless the time is taken; the database has the last word.

    On PostgreSQL the exclusion constraint decides, and the conflicting intervals are
    read only after it refused; writers to one room queue on an advisory lock so that
    they do not deadlock on each other's uncommitted rows (should one still happen, the
    victim tries again). On SQLite the IMMEDIATE transaction serialises check and insert.
    ``price`` runs with the organisation's and the room's queues held, before the insert
    (the quote, whose fair-use cap counts the organisation's other bookings), given the
    active price rules; ``then`` runs after the insert in the same transaction (the
    outbox rows of the change). Closures and price rules come from the room's ``facts``
    (booking/facts.py) if the facts version read with the queue held says nothing
    changed, else they are read afresh.
    """
    for attempt in range(1, DEADLOCK_RETRIES + 1):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    queue_for_room(booking.room_id, organisation_id=booking.organisation_id)
                now, rules = confirmed(facts)
                check_closed(booking.room, booking.start, booking.end, now.closures)
                # PostgreSQL's constraint decides on the first try; a retry looks first, as
                # the deadlock's winner has often committed by then.
                if connection.vendor != "postgresql" or attempt > 1:
                    taken = _conflicts(booking.room, booking.start, booking.end)
                    if taken:
                        raise BookingConflict(taken)
                if price is not None:
                    price(rules)
                booking.save()
                if then is not None:
                    then()
            return
        except IntegrityError as error:
            if not is_overlap_violation(error):
                raise
            booking.pk = None
            raise BookingConflict(_conflicts(booking.room, booking.start, booking.end)) from error
        except OperationalError as error:
            booking.pk = None
            if not is_deadlock(error):
                raise
            if attempt == DEADLOCK_RETRIES:
                taken = _conflicts(booking.room, booking.start, booking.end)
                if taken:
                    raise BookingConflict(taken) from error
                raise
            time.sleep(random.uniform(0.005, 0.02) * attempt)


def check_organisation(by, organisation: Organisation | None) -> None:
    if organisation is not None and not (
        organisation.pk in roles.organisation_ids(by) or roles.is_officer(by)
    ):
        raise _fail("organisation", _("You are not a member of this organisation."))


def require_email_verified(by) -> None:
    """Refuse someone who signed up and has not yet confirmed their email address."""
    if not roles.email_verified(by):
        raise EmailUnverified()


def booking_create(
    *,
    room: Room,
    organisation: Organisation | None,
    by,
    start: dt.datetime,
    end: dt.datetime,
    title: str,
    attendees: int,
    children_and_youth: bool = False,
    public: bool = False,
    notes: str = "",
    accept_guidelines: bool = False,
    payer_name: str = "",
    payer_address: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Book a room: every rule of the room, then the overlap guard. Pending if it needs approval.

    A booking that costs money is paid by invoice or online (booking/payers.py). Invoiced,
    an organisation needs its invoice address and a private person gives ``payer_name``
    and ``payer_address`` (else a ValidationError naming the field). Paid online, it is
    pending, holding its time, until billing confirms or releases it; nothing is sent yet.

    At a site with guidelines, ``accept_guidelines`` must be true (else a ValidationError
    on it); the booking records the version accepted.

    The price is quoted inside the transaction with the organisation's queue held, so two
    bookings made at once in two rooms cannot both be free past a fair-use cap.
    """
    now = now or timezone.now()
    start, end = start.astimezone(UTC), end.astimezone(UTC)  # real, not wall-clock, lengths
    require_email_verified(by)
    check_organisation(by, organisation)
    facts = facts_of(room)
    check_rules(room=room, start=start, end=end, attendees=attendees, now=now, hours=facts.hours)
    guidelines = guidelines_to_accept(
        site=room.site_id, accept_guidelines=accept_guidelines, current=facts.guidelines
    )
    booking = Booking(
        guidelines=guidelines,
        room=room,
        organisation=organisation,
        booked_by=by,
        start=start,
        end=end,
        title=title,
        attendees=attendees,
        children_and_youth=children_and_youth,
        public=public,
        notes=notes,
        status=Booking.Status.PENDING if room.requires_approval else Booking.Status.CONFIRMED,
    )

    def price(rules):
        quote = quote_price(
            rules=rules,
            room=room,
            organisation=organisation,
            start=start,
            end=end,
            children_and_youth=children_and_youth,
        )
        for key, value in quote.snapshot().items():
            setattr(booking, key, value)
        booking.payment = payers.payment_method(
            organisation=organisation, room=room, price=quote.price
        )
        booking.payer_name, booking.payer_address = payers.check_payer(
            organisation=organisation,
            method=booking.payment,
            payer_name=payer_name,
            payer_address=payer_address,
        )
        if booking.payment == payers.ONLINE:
            booking.status = Booking.Status.PENDING

    def tell():
        if booking.payment != payers.ONLINE:  # the payment's outcome is told instead
            notify.bookings_saved([booking])

    _save_guarded(booking, price=price, then=tell, facts=facts)
    return booking


_CHANGEABLE = {
    "room",
    "start",
    "end",
    "title",
    "attendees",
    "children_and_youth",
    "public",
    "notes",
    "payer_name",
    "payer_address",
}
_PLACE = {"room", "start", "end"}
_PRICED = {*_PLACE, "children_and_youth"}


def booking_update(*, booking: Booking, by, now: dt.datetime | None = None, **changes) -> Booking:
    """Change a pending or confirmed booking; a new time or room is checked like a new booking.

    Officers, members of the booking's organisation and the booker of a private booking
    may. The row is locked and its status read again inside the transaction, so a change
    racing a cancellation or a decision is refused if that came first, and never writes
    an old status back: only the fields changed here (and a new price) are written.
    Returns the booking as saved; ``booking`` is brought up to date too.
    """
    now = now or timezone.now()
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValueError(f"booking_update cannot change {sorted(unknown)}")
    require_manager(by, booking)
    for key in ("start", "end"):
        if key in changes:
            changes[key] = changes[key].astimezone(UTC)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres and _PRICED & changes.keys():
            queue_for_organisation(booking.organisation_id)
        if postgres and _PLACE & changes.keys():
            queue_for_room(changes["room"].pk if "room" in changes else booking.room_id)
        current = (
            Booking.objects.select_for_update(of=("self",), no_key=True)
            .select_related("room__site", "organisation", "booked_by__profile")
            .get(pk=booking.pk)
        )
        if postgres and _PLACE & changes.keys() and "room" not in changes:
            if current.room_id != booking.room_id:  # moved to another room meanwhile
                queue_for_room(current.room_id)
        saved = _update_locked(current, by=by, now=now, changes=changes)
    for field in Booking._meta.concrete_fields:
        setattr(booking, field.attname, getattr(saved, field.attname))
    return saved


def _update_locked(booking: Booking, *, by, now: dt.datetime, changes: dict) -> Booking:
    if not booking.is_active:
        raise _fail("status", _("Only pending or confirmed bookings can be changed."))
    if booking.end <= now:
        raise _fail("end", _("A booking that has ended cannot be changed."))
    changed = {key: value for key, value in changes.items() if getattr(booking, key) != value}
    if not changed:
        return booking
    old_day = to_local(booking.start).date()
    moved = bool(_PLACE & changed.keys())
    fields = set(changed)
    for key, value in changed.items():
        setattr(booking, key, value)
    if moved or "attendees" in changed:
        check_rules(
            room=booking.room,
            start=booking.start,
            end=booking.end,
            attendees=booking.attendees,
            now=now,
        )
    if moved and booking.room.requires_approval and not roles.is_officer(by):
        booking.status = Booking.Status.PENDING
        fields.add("status")
    if booking.payment == payers.ONLINE and (moved or "children_and_youth" in changed):
        raise _fail(
            "start" if moved else "children_and_youth",
            _(
                "A booking paid online cannot be moved or repriced. Cancel it (it is "
                "refunded by the site's cancellation rules) and book again."
            ),
        )
    if moved or "children_and_youth" in changed:
        snapshot = quote_price(
            room=booking.room,
            organisation=booking.organisation,
            start=booking.start,
            end=booking.end,
            children_and_youth=booking.children_and_youth,
            exclude_booking_id=booking.pk,
        ).snapshot()
        for key, value in snapshot.items():
            setattr(booking, key, value)
        fields.update(snapshot)
        # A change is never paid online: what costs money after it is invoiced.
        booking.payment = payers.INVOICE if booking.price > 0 else payers.FREE
        fields.add("payment")
    if booking.payment == payers.INVOICE and (fields & {"payment", "payer_name", "payer_address"}):
        booking.payer_name, booking.payer_address = payers.check_payer(
            organisation=booking.organisation,
            method=booking.payment,
            payer_name=booking.payer_name,
            payer_address=booking.payer_address,
        )
        fields.update({"payer_name", "payer_address"})
    if moved:
        check_closed(booking.room, booking.start, booking.end)
        if connection.vendor != "postgresql":
            taken = _conflicts(booking.room, booking.start, booking.end, exclude_pk=booking.pk)
            if taken:
                raise BookingConflict(taken)
    booking.sequence = F("sequence") + 1
    try:
        with transaction.atomic():
            booking.save(update_fields=[*sorted(fields), "sequence", "updated_at"])
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        raise BookingConflict(
            _conflicts(booking.room, booking.start, booking.end, exclude_pk=booking.pk)
        ) from error
    booking.refresh_from_db(fields=["sequence"])
    if to_local(booking.start).date() != old_day:
        bookings_released.send(sender=Booking, booking_ids=[booking.pk])
    notify.bookings_saved([booking], changed=True)
    return booking


def opening_hours_set(*, room: Room, windows: list[tuple[int, dt.time, dt.time]]) -> None:
    """Replace a room's weekly opening hours."""
    with transaction.atomic():
        room.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(room=room, weekday=w, opens=o, closes=c) for w, o, c in windows
        )
