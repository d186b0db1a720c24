"""The facts a proposal is made from, read once per season: its rooms and their opening
hours, its days (public holidays left out), the bookings and closures on those days,
every wish with what the priorities look at, and the officer's decisions that hold."""

import datetime as dt

from django.db.models import Q

from booking.models import Booking, Closure, Room
from booking.public_holidays import public_holidays
from booking.timeutil import local_midnight, to_local
from seasons.allocator import DAY, Facts, Placed, RoomFacts, WishFacts, minutes
from seasons.models import Allocation, Season, Wish


def season_rooms(season: Season):
    """The active rooms the season covers: those it names and every room of its sites."""
    return (
        Room.objects.filter(
            Q(pk__in=season.rooms.values("pk")) | Q(site__in=season.sites.values("pk")),
            is_active=True,
        )
        .select_related("site")
        .order_by("site__name", "name", "pk")
    )


def _room_facts(room: Room) -> RoomFacts:
    hours: dict[int, list[tuple[int, int]]] = {}
    for window in room.opening_hours.all():
        closes = DAY if window.closes == dt.time(0) else minutes(window.closes)
        hours.setdefault(window.weekday, []).append((minutes(window.opens), closes))
    return RoomFacts(
        id=room.pk,
        site_id=room.site_id,
        name=room.name,
        capacity=room.capacity,
        step=room.slot_step_minutes,
        min_minutes=room.min_booking_minutes,
        max_minutes=room.max_booking_minutes,
        hours=hours,
    )


def _days(season: Season) -> dict[int, list[dt.date]]:
    holidays = public_holidays(season.first_date, season.last_date)
    days: dict[int, list[dt.date]] = {}
    day = season.first_date
    while day <= season.last_date:
        if day not in holidays:
            days.setdefault(day.weekday(), []).append(day)
        day += dt.timedelta(days=1)
    return days


def _by_day(start: dt.datetime, end: dt.datetime, days: set[dt.date]):
    """An interval cut at local midnights into (day, start minute, end minute) on the
    season's days."""
    local_start, local_end = to_local(start), to_local(end)
    day = local_start.date()
    while day <= local_end.date():
        begins = minutes(local_start.time()) if day == local_start.date() else 0
        ends = minutes(local_end.time()) if day == local_end.date() else DAY
        if day in days and begins < ends:
            yield day, begins, ends
        day += dt.timedelta(days=1)


def _held_last_season(season: Season) -> list[tuple[int, int, int, int, int, int]]:
    """(organisation, site, room, weekday, start, end) of every slot the last season
    published."""
    if season.previous_id is None:
        return []
    held = Allocation.objects.filter(
        wish__application__season_id=season.previous_id, series__isnull=False
    ).values_list(
        "wish__application__organisation_id",
        "room__site_id",
        "room_id",
        "weekday",
        "start_time",
        "end_time",
    )
    return [(o, s, r, w, minutes(a), minutes(b)) for o, s, r, w, a, b in held]


def _holds(wish: Wish, held) -> bool:
    start, end = minutes(wish.start_time), minutes(wish.end_time)
    return any(
        o == wish.application.organisation_id
        and (r == wish.room_id if wish.room_id else s == wish.site_id)
        and w == wish.weekday
        and a < end
        and start < b
        for o, s, r, w, a, b in held
    )


def wish_facts(wish: Wish, held) -> WishFacts:
    application = wish.application
    return WishFacts(
        id=wish.pk,
        organisation_id=application.organisation_id,
        organisation_name=application.organisation.name,
        site_id=wish.site_id,
        room_id=wish.room_id,
        weekday=wish.weekday,
        start=minutes(wish.start_time),
        end=minutes(wish.end_time),
        attendees=wish.attendees,
        rank=wish.rank,
        submitted_at=application.submitted_at,
        children_and_youth=wish.children_and_youth,
        verified_voluntary=application.organisation.voluntary_verified,
        held_last_season=_holds(wish, held),
        members_under_20=(application.members_under_20 or 0)
        if application.members_checked_by_id
        else 0,
    )


def season_facts(season: Season, *, keep_officers: bool = True, leave_out=()) -> Facts:
    """Everything the allocator needs, in a fixed number of queries. With
    ``keep_officers`` an officer's decisions hold their times; ``leave_out`` wishes are
    neither placed nor held (the one an officer is deciding on)."""
    rooms = list(season_rooms(season).prefetch_related("opening_hours"))
    room_ids = [room.pk for room in rooms]
    days = _days(season)
    season_days = {d for listed in days.values() for d in listed}
    start = local_midnight(season.first_date)
    end = local_midnight(season.last_date + dt.timedelta(days=1))
    booked: dict[tuple[int, int], list] = {}
    for room_id, b_start, b_end in Booking.objects.filter(
        room_id__in=room_ids, status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).values_list("room_id", "start", "end"):
        for day, s, e in _by_day(b_start, b_end, season_days):
            booked.setdefault((room_id, day.weekday()), []).append((s, e, day))
    closed: dict[tuple[int, int], list] = {}
    rooms_of_site: dict[int, list[int]] = {}
    for room in rooms:
        rooms_of_site.setdefault(room.site_id, []).append(room.pk)
    for closure in Closure.objects.filter(
        Q(room_id__in=room_ids) | Q(site_id__in=list(rooms_of_site)), start__lt=end, end__gt=start
    ):
        hit = [closure.room_id] if closure.room_id else rooms_of_site.get(closure.site_id, [])
        for day, s, e in _by_day(closure.start, closure.end, season_days):
            for room_id in hit:
                closed.setdefault((room_id, day.weekday()), []).append((s, e, day))
    held = _held_last_season(season)
    wishes = list(
        Wish.objects.filter(application__season=season)
        .exclude(pk__in=list(leave_out))
        .select_related("application__organisation")
        .order_by("pk")
    )
    fixed, kept = [], set()
    if keep_officers:
        kept = set(
            Allocation.objects.filter(
                wish__application__season=season, decided_by__isnull=False
            ).values_list("pk", flat=True)
        )
        fixed = [
            Placed(
                a.pk,
                a.wish.application.organisation.name,
                a.room_id,
                a.weekday,
                minutes(a.start_time),
                minutes(a.end_time),
            )
            for a in Allocation.objects.filter(
                wish__application__season=season, decided_by__isnull=False, room__isnull=False
            )
            .exclude(pk__in=list(leave_out))
            .select_related("wish__application__organisation")
        ]
    return Facts(
        rooms={room.pk: _room_facts(room) for room in rooms},
        wishes=[wish_facts(w, held) for w in wishes],
        priorities=list(season.priorities),
        tolerance=season.tolerance_minutes,
        days=days,
        booked=booked,
        closed=closed,
        fixed=fixed,
        kept=kept,
    )
