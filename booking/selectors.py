"""Reads that are more than a filter: who sees which bookings, a room's free and busy time."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from booking import roles
from booking.db import room_overlapping
from booking.facts import facts_of
from booking.models import Booking, Closure, OpeningHours, Organisation, PriceRule, Room, Site
from booking.timeutil import UTC, local_midnight, to_local, wall_time


def opening_windows(
    hours_list: list[OpeningHours], day: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The local day's opening windows as UTC instants."""
    windows = []
    for hours in hours_list:
        if hours.weekday != day.weekday():
            continue
        opens = wall_time(day, hours.opens)
        closes = (
            wall_time(day + dt.timedelta(days=1), dt.time(0))
            if hours.closes == dt.time(0)
            else wall_time(day, hours.closes)
        )
        windows.append((opens, closes))
    return windows


def booking_visible_to(user) -> QuerySet[Booking]:
    """Officers see all; members their organisations'; a private booker their own;
    caretakers the bookings at their sites."""
    qs = Booking.objects.select_related("room__site", "organisation", "booked_by", "guidelines")
    if not user.is_authenticated:
        return qs.none()
    if roles.is_officer(user):
        return qs
    return qs.filter(
        Q(organisation_id__in=roles.organisation_ids(user))
        | Q(organisation__isnull=True, booked_by=user)
        | Exists(
            Site.caretakers.through.objects.filter(site_id=OuterRef("room__site_id"), user=user)
        )
    )


def rooms_free_between(
    rooms: QuerySet[Room], start: dt.datetime, end: dt.datetime
) -> QuerySet[Room]:
    """Rooms open for the whole interval, with no closure and no active booking in it."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    local_start, local_end = to_local(start), to_local(end)
    open_whole = OpeningHours.objects.filter(
        room=OuterRef("pk"), weekday=local_start.weekday(), opens__lte=local_start.time()
    )
    if local_end.date() == local_start.date():
        open_whole = open_whole.filter(Q(closes=dt.time(0)) | Q(closes__gte=local_end.time()))
    elif local_end.time() == dt.time(0) and local_end.date() == local_start.date() + dt.timedelta(
        1
    ):
        open_whole = open_whole.filter(closes=dt.time(0))
    else:
        return rooms.none()  # no opening window crosses a local midnight
    # In the overlap constraint's form, so that its index finds the interval's bookings
    # without reading each room's history (booking.db.room_overlapping).
    busy = Booking.objects.filter(
        room_overlapping(OuterRef("pk"), start, end), status__in=Booking.ACTIVE_STATUSES
    )
    closed = Closure.objects.filter(
        Q(room=OuterRef("pk")) | Q(site=OuterRef("site")), start__lt=end, end__gt=start
    )
    return rooms.filter(Exists(open_whole)).exclude(Exists(busy)).exclude(Exists(closed))


@dataclass
class DayAvailability:
    date: dt.date
    open: list[dict] = field(default_factory=list)
    free: list[dict] = field(default_factory=list)
    busy: list[dict] = field(default_factory=list)
    closed: list[dict] = field(default_factory=list)


def _subtract(windows, taken):
    """Parts of the windows not covered by any taken interval."""
    free = []
    for start, end in windows:
        cursor = start
        for t_start, t_end in sorted(taken):
            if t_end <= cursor or t_start >= end:
                continue
            if t_start > cursor:
                free.append((cursor, t_start))
            cursor = max(cursor, t_end)
        if cursor < end:
            free.append((cursor, end))
    return free


def room_availability(
    *, room: Room, date_from: dt.date, date_to: dt.date, user
) -> list[DayAvailability]:
    """Opening windows per local day with free and busy intervals.

    A busy interval names title and organisation only when the booking is public or the
    user may see its details; otherwise it is just a time.
    """
    period_start = local_midnight(date_from)
    period_end = local_midnight(date_to + dt.timedelta(days=1))
    bookings = list(
        Booking.objects.filter(
            room_overlapping(room.pk, period_start, period_end),
            status__in=Booking.ACTIVE_STATUSES,
        )
        .select_related("organisation")
        # Only what the week shows and the permission check reads: a busy week has
        # hundreds of rows, and building whole model instances was most of the page's time.
        .only(
            "start",
            "end",
            "status",
            "public",
            "title",
            "booked_by",
            "organisation__name",
            "organisation__in_directory",
        )
        .order_by("start")
    )
    facts = facts_of(room)  # hours and closures as this process keeps them
    hours = facts.hours
    closures = [c for c in facts.closures if c.start < period_end and c.end > period_start]
    days = []
    day = date_from
    while day <= date_to:
        day_start, day_end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
        result = DayAvailability(date=day)
        windows = sorted(opening_windows(hours, day))
        result.open = [{"start": s, "end": e} for s, e in windows]
        taken = []
        for booking in bookings:
            if booking.end <= day_start or booking.start >= day_end:
                continue
            taken.append((booking.start, booking.end))
            entry = {"start": booking.start, "end": booking.end, "status": booking.status}
            details = roles.can_see_booking_details(user, booking)
            if booking.public or details:
                entry["booking"] = booking.pk
                entry["title"] = booking.title
                if booking.organisation is not None:
                    # To the public, only an organisation listed in the directory is named.
                    name = (
                        booking.organisation.name if details else booking.organisation.public_name
                    )
                    if name:
                        entry["organisation"] = name
            result.busy.append(entry)
        for closure in closures:
            if closure.end <= day_start or closure.start >= day_end:
                continue
            taken.append((closure.start, closure.end))
            result.closed.append(
                {"start": closure.start, "end": closure.end, "reason": closure.reason}
            )
        result.free = [{"start": s, "end": e} for s, e in _subtract(windows, taken)]
        days.append(result)
        day += dt.timedelta(days=1)
    return days


def nearest_free_slots(
    *, room: Room, start: dt.datetime, end: dt.datetime, user, now: dt.datetime, count: int = 3
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Free times of the same length in the room that day, nearest the asked start first."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    duration = end - start
    step = dt.timedelta(minutes=room.slot_step_minutes)
    earliest = now + dt.timedelta(minutes=room.min_notice_minutes)
    day = to_local(start).date()
    (availability,) = room_availability(room=room, date_from=day, date_to=day, user=user)
    candidates = []
    for interval in availability.free:
        slot = interval["start"]
        while slot + duration <= interval["end"]:
            if slot >= earliest:
                candidates.append((slot, slot + duration))
            slot += step
    candidates.sort(key=lambda c: (abs(c[0] - start), c[0]))
    return sorted(candidates[:count])


def categories_needing_verification() -> list[str]:
    """The categories an active price rule favours (it lowers the price and names them):
    each counts only once an officer has verified it. ``other`` is what the unverified
    are priced as, so it needs none."""
    favoured = set()
    for rule in PriceRule.objects.filter(active=True):
        if rule.lowers_price:
            favoured.update(rule.booker_kinds)
    return [
        c
        for c in Organisation.Category.values
        if c in favoured and c != Organisation.Category.OTHER
    ]


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    """Organisations that claim a category the price rules favour, not yet verified,
    longest waiting first."""
    return (
        Organisation.objects.filter(category__in=categories_needing_verification())
        .exclude(verified_category=F("category"))
        .order_by("created_at", "pk")
    )


def public_bookings(start, end, *, site=None, category=None):
    """Public, confirmed bookings between two instants: what residents may see."""
    found = Booking.objects.filter(
        public=True, status=Booking.Status.CONFIRMED, start__lt=end, end__gt=start
    ).select_related("room__site", "organisation")
    if site:
        found = found.filter(room__site=site)
    if category:
        found = found.filter(organisation__category=category)
    return found.order_by("start", "id")


def public_overlaps(booking) -> list:
    """For a public booking: the other public events in the municipality at the same time."""
    if not booking.public:
        return []
    return list(public_bookings(booking.start, booking.end).exclude(pk=booking.pk)[:20])
