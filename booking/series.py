"""Weekly bookings for a season: plan (preview) and create them in one go.

Every occurrence is checked by the same rules as a single booking, against data read
once for the whole season, so a 40-week series costs a handful of queries, not 40 times
a handful. Creation re-plans inside the transaction, with the room's writers queued
(PostgreSQL) or the database locked (SQLite), and inserts the free occurrences at once.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import notify, payers, roles, services
from booking.guidelines import guidelines_to_accept
from booking.models import Booking, BookingSeries, Closure, Organisation, PriceRule, Room
from booking.pricing import CapLedger, Quote, active_price_rules, quote_price
from booking.public_holidays import public_holidays
from booking.rules import CLOSED, OUTSIDE_HOURS, check_rules
from booking.timeutil import (
    AmbiguousTimeError,
    NonExistentTimeError,
    instant,
    local_midnight,
    to_local,
)
from config.errors import ConflictError

FREE, TAKEN, INVALID, HOLIDAY = "free", "taken", "invalid", "holiday"
MAX_SERIES_DAYS = 400


@dataclass
class Occurrence:
    date: dt.date
    start: dt.datetime | None
    end: dt.datetime | None
    state: str = FREE  # free, taken, closed, outside_hours, invalid or holiday
    reason: str = ""
    conflicts: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    quote: Quote | None = None

    @property
    def free(self) -> bool:
        return self.state == FREE


@dataclass
class SeriesPlan:
    occurrences: list[Occurrence]

    @property
    def free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.free]

    @property
    def not_free(self) -> list[Occurrence]:
        return [o for o in self.occurrences if not o.free]

    @property
    def blocked(self) -> list[Occurrence]:
        """Weeks that cannot be booked; public holidays left out by choice are not among them."""
        return [o for o in self.not_free if o.state != HOLIDAY]

    @property
    def total_price(self) -> Decimal:
        return sum((o.quote.price for o in self.free), Decimal(0))

    @property
    def total_full_price(self) -> Decimal:
        return sum((o.quote.full_price for o in self.free), Decimal(0))


@dataclass
class SeriesReads:
    """What many series booked in one transaction share, read once: the price rules, and
    per room and period its opening hours, closures and active bookings (with what the
    earlier series of the same transaction added). Only valid while every room's queue is
    held for the whole transaction, as a season's publishing does."""

    rules: list[PriceRule] | None = None
    rooms: dict[tuple, tuple[list, list, list]] = field(default_factory=dict)
    guidelines: dict[int, object] = field(default_factory=dict)

    def room(self, room: Room, first: dt.date, until: dt.date):
        key = (room.pk, first, until)
        if key not in self.rooms:
            self.rooms[key] = _room_reads(room, *_window(first, until))
        return self.rooms[key]

    def booked(self, room: Room, first: dt.date, until: dt.date, intervals) -> None:
        self.room(room, first, until)[2].extend(intervals)

    def forget(self, room: Room, first: dt.date, until: dt.date) -> None:
        self.rooms.pop((room.pk, first, until), None)

    def guidelines_for(self, site_id: int):
        if site_id not in self.guidelines:
            self.guidelines[site_id] = guidelines_to_accept(site=site_id, accept_guidelines=True)
        return self.guidelines[site_id]


def _window(first: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the first day's midnight to the one after the last day's next (an occurrence
    ending at midnight)."""
    return local_midnight(first), local_midnight(until + dt.timedelta(days=2))


def _room_reads(room: Room, start: dt.datetime, end: dt.datetime):
    hours = list(room.opening_hours.all())
    closures = list(
        Closure.objects.filter(Q(room=room) | Q(site_id=room.site_id), start__lt=end, end__gt=start)
    )
    taken = list(
        Booking.objects.filter(
            room=room, status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
        )
        .order_by("start")
        .values_list("start", "end")
    )
    return hours, closures, taken


class SeriesConflict(ConflictError):
    def __init__(self, plan: SeriesPlan):
        super().__init__(
            _("Not every week is free; nothing was booked."),
            [
                {
                    "date": o.date.isoformat(),
                    "state": o.state,
                    "reason": o.reason,
                    "conflicts": [
                        {"start": to_local(s).isoformat(), "end": to_local(e).isoformat()}
                        for s, e in o.conflicts
                    ],
                }
                for o in plan.not_free
            ],
        )
        self.plan = plan


def _dates(first: dt.date, until: dt.date, weekdays: list[int]):
    day = first
    while day <= until:
        if day.weekday() in weekdays:
            yield day
        day += dt.timedelta(days=1)


def _check_season(room: Room, first: dt.date, until: dt.date, weekdays, now) -> None:
    if not weekdays:
        raise ValidationError({"weekdays": [_("Choose at least one weekday.")]})
    if until < first:
        raise ValidationError({"until": [_("The last date must not be before the first.")]})
    if (until - first).days > MAX_SERIES_DAYS:
        raise ValidationError(
            {"until": [_("A series can last at most %(days)d days.") % {"days": MAX_SERIES_DAYS}]}
        )
    horizon = to_local(now).date() + dt.timedelta(days=room.booking_horizon_days)
    if until > horizon:
        raise ValidationError(
            {
                "until": [
                    _("This room can be booked at most %(days)d days ahead, until %(date)s.")
                    % {"days": room.booking_horizon_days, "date": horizon.isoformat()}
                ]
            }
        )


def series_plan(
    *,
    room: Room,
    organisation: Organisation | None,
    weekdays: list[int],
    start_time: dt.time,
    end_time: dt.time,
    first: dt.date,
    until: dt.date,
    attendees: int,
    children_and_youth: bool = False,
    include_holidays: bool = False,
    now: dt.datetime | None = None,
    reads: SeriesReads | None = None,
) -> SeriesPlan:
    """Each occurrence, 18:00 local staying 18:00 across DST, as free, taken (with the
    conflicting interval), closed, outside opening hours or invalid; one on a public
    holiday is a holiday (its name as reason) unless ``include_holidays``. Saves nothing."""
    now = now or timezone.now()
    _check_season(room, first, until, weekdays, now)
    if reads is None:
        hours, closures, taken = _room_reads(room, *_window(first, until))
        rules = active_price_rules()
    else:
        hours, closures, taken = reads.room(room, first, until)
        if reads.rules is None:
            reads.rules = active_price_rules()
        rules = reads.rules
    ledger = CapLedger(organisation=organisation, room=room, exclude_booking_id=None)
    holidays = {} if include_holidays else public_holidays(first, until)
    occurrences = []
    for day in _dates(first, until, weekdays):
        if day in holidays:
            occurrences.append(Occurrence(day, None, None, HOLIDAY, holidays[day]))
            continue
        end_day = day + dt.timedelta(days=1) if end_time == dt.time(0) else day
        try:
            start, end = instant(day, start_time), instant(end_day, end_time)
        except (NonExistentTimeError, AmbiguousTimeError):
            occurrences.append(
                Occurrence(
                    day, None, None, INVALID,
                    _("The time does not exist, or happens twice, that day (DST change)."),
                )
            )  # fmt: skip
            continue
        occurrence = Occurrence(day, start, end)
        try:
            check_rules(
                room=room, start=start, end=end, attendees=attendees, now=now,
                hours=hours, closures=closures,
            )  # fmt: skip
        except ValidationError as error:
            problem = next(iter(error.error_dict.values()))[0]
            occurrence.state = (
                problem.code if problem.code in (CLOSED, OUTSIDE_HOURS)
                else INVALID
            )  # fmt: skip
            occurrence.reason = problem.messages[0]
            occurrences.append(occurrence)
            continue
        clashes = [(s, e) for s, e in taken if s < end and e > start]
        if clashes:
            occurrence.state = TAKEN
            occurrence.reason = _("The room is already booked at this time.")
            occurrence.conflicts = clashes
        else:
            occurrence.quote = quote_price(
                room=room, organisation=organisation, start=start, end=end,
                children_and_youth=children_and_youth, rules=rules, ledger=ledger,
            )  # fmt: skip
        occurrences.append(occurrence)
    return SeriesPlan(occurrences)


def series_create(
    *,
    room: Room,
    organisation: Organisation | None,
    by,
    weekdays: list[int],
    start_time: dt.time,
    end_time: dt.time,
    first: dt.date,
    until: dt.date,
    title: str,
    attendees: int,
    children_and_youth: bool = False,
    public: bool = False,
    notes: str = "",
    on_conflict: str = "fail",
    include_holidays: bool = False,
    accept_guidelines: bool = False,
    now: dt.datetime | None = None,
    booked_for=None,
    allotted: bool = False,
    reads: SeriesReads | None = None,
    payer_name: str = "",
    payer_address: str = "",
) -> tuple[BookingSeries, list[Booking], SeriesPlan]:
    """Book the season. ``on_conflict="skip"`` books the free weeks and reports the rest;
    ``"fail"`` books nothing unless every week is free. Public holidays are skipped (and
    reported) without counting as a conflict, unless ``include_holidays``. Planned and
    priced with the organisation's and the room's queues held, so the fair-use cap counts
    every booking committed before it. At a site with guidelines, ``accept_guidelines``
    must be true; every occurrence records the version accepted.

    ``allotted``: a booking officer books a season's allocation for ``booked_for`` (the
    applicant): confirmed without approval, no confirmation sent (the season's decision
    letter says it), weeks closed skipped like holidays, any other week not free fails.
    ``reads``: shared by series booked in one transaction with their rooms' queues held
    (accepting the sites' guidelines)."""
    services.require_email_verified(by)
    services.check_organisation(by, organisation)
    if allotted and not roles.is_officer(by):
        raise PermissionDenied("only booking officers allot a season")
    if reads is not None and accept_guidelines:
        guidelines = reads.guidelines_for(room.site_id)
    else:
        guidelines = guidelines_to_accept(site=room.site_id, accept_guidelines=accept_guidelines)
    status = Booking.Status.PENDING if room.requires_approval else Booking.Status.CONFIRMED
    if allotted:
        status = Booking.Status.CONFIRMED
    booked_for = booked_for or by
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # as booking_create: organisation, then room
                services.queue_for_organisation(organisation.pk if organisation else None)
                services.queue_for_room(room.pk)
            plan = series_plan(
                room=room, organisation=organisation, weekdays=weekdays,
                start_time=start_time, end_time=end_time, first=first, until=until,
                attendees=attendees, children_and_youth=children_and_youth,
                include_holidays=include_holidays, now=now, reads=reads,
            )  # fmt: skip
            failing = [o for o in plan.blocked if not (allotted and o.state == CLOSED)]
            if not plan.free or (on_conflict == "fail" and failing):
                raise SeriesConflict(plan)
            # A weekly series is never paid online; what costs money is invoiced. A
            # season's allotment is booked even so: the invoice basis shows what is missing.
            owes = any(o.quote.price > 0 for o in plan.free)
            payer = ("", "")
            if owes and not allotted:
                payer = payers.check_payer(
                    organisation=organisation, method=payers.INVOICE,
                    payer_name=payer_name, payer_address=payer_address,
                )  # fmt: skip
            series = BookingSeries.objects.create(
                room=room, organisation=organisation, booked_by=booked_for,
                weekdays=sorted(weekdays),
                start_time=start_time, end_time=end_time, first_date=first, until=until,
                title=title,
            )  # fmt: skip
            bookings = Booking.objects.bulk_create(
                Booking(
                    room=room, organisation=organisation, booked_by=booked_for, start=o.start,
                    end=o.end, title=title, attendees=attendees,
                    children_and_youth=children_and_youth, public=public, notes=notes,
                    status=status, series=series, guidelines=guidelines, **o.quote.snapshot(),
                    payment=payers.INVOICE if o.quote.price > 0 else payers.FREE,
                    payer_name=payer[0], payer_address=payer[1],
                )
                for o in plan.free
            )  # fmt: skip
            if not allotted:
                notify.bookings_saved(bookings)
    except IntegrityError as error:
        if not services.is_overlap_violation(error):
            raise
        if reads is not None:  # someone wrote past the queue: read the room again next time
            reads.forget(room, first, until)
        # Only a writer that bypassed the room queue could get here; answer as a conflict.
        raise SeriesConflict(
            series_plan(
                room=room, organisation=organisation, weekdays=weekdays,
                start_time=start_time, end_time=end_time, first=first, until=until,
                attendees=attendees, children_and_youth=children_and_youth,
                include_holidays=include_holidays, now=now,
            )
        ) from error  # fmt: skip
    if reads is not None:
        reads.booked(room, first, until, [(b.start, b.end) for b in bookings])
    return series, bookings, plan
