"""The proposal: wishes walked in the season's priority order, each placed on the time it
asks for, or on the nearest free time within the season's tolerance in the same room or
another room of the site, or denied; every decision says why.

Pure: it reads no database and no clock. ``seasons.proposal`` loads the facts once and
saves what comes out, so the same facts always give the same allocation, whatever order
they were read in.

Order (stated, and complete, so that no two wishes tie):
1. the season's criteria, in the season's order (children and youth first, verified
   voluntary first, last season's holder first, more checked members under 20 first,
   earlier application first);
2. the organisation's own rank of the wish (1 before 2);
3. the application's time, then the organisation's name, then the wish's id.

Candidates for a wish, nearest first: the asked time, then shifted in the room's time
steps, later before earlier, up to the tolerance; at each shift the asked room before the
site's other rooms (by name). A time is free when the room is open for all of it that
weekday, is big enough and allows that length, no wish already placed overlaps it, no
existing booking on any of the season's days overlaps it, and at least one of the
season's days on that weekday is neither a public holiday nor closed at that time.
"""

import datetime as dt
from dataclasses import dataclass, field

from seasons.models import Criterion

DAY = 24 * 60


@dataclass(frozen=True)
class RoomFacts:
    id: int
    site_id: int
    name: str
    capacity: int
    step: int
    min_minutes: int
    max_minutes: int
    # weekday -> opening windows as (opens, closes) in minutes after local midnight
    hours: dict[int, list[tuple[int, int]]]


@dataclass(frozen=True)
class WishFacts:
    id: int
    organisation_id: int
    organisation_name: str
    site_id: int
    room_id: int | None
    weekday: int
    start: int  # minutes after local midnight
    end: int
    attendees: int
    rank: int
    submitted_at: dt.datetime
    children_and_youth: bool = False
    verified_voluntary: bool = False
    held_last_season: bool = False
    members_under_20: int = 0  # as checked by an officer; 0 when not checked


@dataclass(frozen=True)
class Placed:
    """A decision that holds its time whatever the proposal does: an officer's."""

    wish_id: int
    organisation_name: str
    room_id: int
    weekday: int
    start: int
    end: int


@dataclass
class Facts:
    rooms: dict[int, RoomFacts]
    wishes: list[WishFacts]
    priorities: list[str]
    tolerance: int
    # weekday -> the season's days on that weekday that are not public holidays
    days: dict[int, list[dt.date]]
    # (room, weekday) -> existing active bookings on the season's days, as (start, end, day)
    booked: dict[tuple[int, int], list[tuple[int, int, dt.date]]] = field(default_factory=dict)
    # (room, weekday) -> closures on the season's days, as (start, end, day)
    closed: dict[tuple[int, int], list[tuple[int, int, dt.date]]] = field(default_factory=dict)
    fixed: list[Placed] = field(default_factory=list)
    # wishes an officer has decided (placed or denied): not proposed again
    kept: set[int] = field(default_factory=set)


@dataclass
class Decision:
    wish_id: int
    outcome: str  # granted, moved or denied
    room_id: int | None = None
    weekday: int | None = None
    start: int | None = None
    end: int | None = None
    explanation: dict = field(default_factory=dict)


def minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def clock(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def favoured_by(wish: WishFacts, priorities: list[str]) -> list[str]:
    """The season's criteria this wish meets, in the season's order."""
    met = {
        Criterion.CHILDREN_AND_YOUTH: wish.children_and_youth,
        Criterion.VERIFIED_VOLUNTARY: wish.verified_voluntary,
        Criterion.LAST_SEASON: wish.held_last_season,
        Criterion.MEMBERS_UNDER_20: wish.members_under_20 > 0,
    }
    return [c for c in priorities if met.get(c, False)]


def priority_key(wish: WishFacts, priorities: list[str]) -> tuple:
    key = []
    for criterion in priorities:
        if criterion == Criterion.CHILDREN_AND_YOUTH:
            key.append(not wish.children_and_youth)
        elif criterion == Criterion.VERIFIED_VOLUNTARY:
            key.append(not wish.verified_voluntary)
        elif criterion == Criterion.LAST_SEASON:
            key.append(not wish.held_last_season)
        elif criterion == Criterion.MEMBERS_UNDER_20:
            key.append(-wish.members_under_20)
        elif criterion == Criterion.APPLICATION_TIME:
            key.append(wish.submitted_at)
    return (*key, wish.rank, wish.submitted_at, wish.organisation_name, wish.id)


def _overlaps(start: int, end: int, intervals) -> tuple | None:
    for interval in intervals:
        if interval[0] < end and start < interval[1]:
            return interval
    return None


class Board:
    """The times placed so far, per room and weekday."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.taken: dict[tuple[int, int], list[tuple[int, int, str]]] = {}

    def place(self, room_id: int, weekday: int, start: int, end: int, holder: str) -> None:
        self.taken.setdefault((room_id, weekday), []).append((start, end, holder))

    def blocked(self, room: RoomFacts, weekday: int, start: int, end: int, attendees: int):
        """Why the time cannot be had (a dict), or None if it is free."""
        if attendees > room.capacity:
            return {"kind": "capacity", "capacity": room.capacity}
        length = end - start
        if length > room.max_minutes or length < room.min_minutes:
            return {"kind": "length", "minutes": room.max_minutes}
        if start % room.step or end % room.step:
            return {"kind": "step", "step": room.step}
        if not any(o <= start and end <= c for o, c in room.hours.get(weekday, ())):
            return {"kind": "hours"}
        holder = _overlaps(start, end, self.taken.get((room.id, weekday), ()))
        if holder is not None:
            return {"kind": "wish", "organisation": holder[2]}
        booking = _overlaps(start, end, self.facts.booked.get((room.id, weekday), ()))
        if booking is not None:
            return {"kind": "booking", "date": booking[2].isoformat()}
        days = self.facts.days.get(weekday, [])
        if not days:
            return {"kind": "holidays"}
        closed_days = {
            day
            for s, e, day in self.facts.closed.get((room.id, weekday), ())
            if s < end and start < e
        }
        if len(closed_days) >= len(days):
            return {"kind": "closed"}
        return None


def _shifts(asked: int, length: int, tolerance: int, step: int):
    """Starts nearest the asked one first, later before earlier, on the room's step grid."""
    starts = [
        s
        for s in range(asked - tolerance, asked + tolerance + 1)
        if s % step == 0 and 0 <= s and s + length <= DAY
    ]
    return sorted(starts, key=lambda s: (abs(s - asked), s < asked))


def _candidates(wish: WishFacts, facts: Facts, rooms: list[RoomFacts]):
    length = wish.end - wish.start
    found = []
    for room in rooms:
        for start in _shifts(wish.start, length, facts.tolerance, room.step):
            shift = start - wish.start
            other_room = wish.room_id is not None and room.id != wish.room_id
            found.append(((abs(shift), other_room, shift < 0, room.name, room.id), room, start))
    found.sort(key=lambda c: c[0])
    return [(room, start) for _key, room, start in found]


def propose(facts: Facts) -> list[Decision]:
    """One decision per wish, in the order the wishes were walked."""
    board = Board(facts)
    fixed_ids = set()
    for placed in sorted(facts.fixed, key=lambda p: p.wish_id):
        board.place(
            placed.room_id, placed.weekday, placed.start, placed.end, placed.organisation_name
        )
        fixed_ids.add(placed.wish_id)
    by_site: dict[int, list[RoomFacts]] = {}
    for room in sorted(facts.rooms.values(), key=lambda r: (r.name, r.id)):
        by_site.setdefault(room.site_id, []).append(room)
    decisions = []
    wishes = [w for w in facts.wishes if w.id not in fixed_ids | facts.kept]
    for wish in sorted(wishes, key=lambda w: priority_key(w, facts.priorities)):
        decisions.append(_decide(wish, facts, board, by_site.get(wish.site_id, [])))
    return decisions


def _decide(wish: WishFacts, facts: Facts, board: Board, site_rooms: list[RoomFacts]):
    asked_room = facts.rooms.get(wish.room_id) if wish.room_id else None
    rooms = site_rooms
    if asked_room is not None:
        rooms = [asked_room, *[r for r in site_rooms if r.id != asked_room.id]]
    favoured = favoured_by(wish, facts.priorities)
    # What stands in the way of the time asked for, also when it is not a candidate at
    # all (off the room's time steps), so that a move or a denial always says why.
    why = (
        board.blocked(rooms[0], wish.weekday, wish.start, wish.end, wish.attendees)
        if rooms
        else None
    )
    for room, start in _candidates(wish, facts, rooms):
        end = start + (wish.end - wish.start)
        problem = board.blocked(room, wish.weekday, start, end, wish.attendees)
        if problem is None:
            board.place(room.id, wish.weekday, start, end, wish.organisation_name)
            as_asked = start == wish.start and (asked_room is None or room.id == asked_room.id)
            explanation = {
                "code": "granted" if as_asked else "moved",
                "criteria": favoured,
                "rank": wish.rank,
            }
            if not as_asked:
                explanation |= {
                    "minutes": start - wish.start,
                    "room": room.name
                    if asked_room is not None and room.id != asked_room.id
                    else "",
                    "asked": clock(wish.start),
                    "blocked": why or {},
                }
            return Decision(
                wish.id,
                "granted" if as_asked else "moved",
                room.id,
                wish.weekday,
                start,
                end,
                explanation,
            )
        if why is None:
            why = problem  # what stood in the way of the time asked for
    return Decision(
        wish.id,
        "denied",
        explanation={
            "code": "denied",
            "tolerance": facts.tolerance,
            "asked": clock(wish.start),
            "blocked": why or {"kind": "no_room"},
            "criteria": favoured,
            "rank": wish.rank,
        },
    )
