"""A room's facts, read once per process and kept while nothing has changed (issue 18).

Every booking of a room reads the same facts: the room and its site, its opening hours,
the closures of the room and its site, the site's current guidelines and the active
price rules. An officer changes them now and then; people book all day. So each process
keeps them, under the facts version: one row (``FactsVersion``) that a trigger on each
of those tables sets to a new random value in the transaction of any change, whoever
makes it and however (the ORM, the admin, ``update()``, raw SQL; migration 0018). A
request reads the version, one small query, and uses what the process keeps if it was
read under that version; otherwise it reads the facts again.

Two orders make it safe:

- The version is read *before* the facts it labels. A change committed in between makes
  the facts newer than their label, which costs one extra read the next time, never a
  stale answer; the other order could keep old facts under the new label.
- A writer reads the version again with the room's queue held (``confirmed``) and reads
  closures and price rules afresh unless it is the same: a closure saved while it waited
  for the queue is seen, as it was when every booking read the closures there.

Values are random rather than counted, so a version read inside a transaction that was
rolled back is never handed to another change. Without the row (a test database just
emptied) nothing is kept: every request reads afresh.
"""

import copy
from functools import cached_property

from django.db import connection
from django.db.models import Q

from booking.guidelines import current_guidelines
from booking.models import Closure, Guidelines, OpeningHours, PriceRule, Room
from booking.pricing import active_price_rules


class RoomFacts:
    """What booking a room reads, as of ``version`` (None: read for this request only).
    ``room`` carries its site; hand it out with ``room_for_request`` so that no request
    changes the kept instance. Closures (every closure of the room and its site: a few a
    year, and a week in the past may be shown too) and the site's current guidelines are
    read when first asked, after the version, and then kept with the rest."""

    def __init__(self, version: int | None, room: Room, hours: tuple[OpeningHours, ...]):
        self.version, self.room, self.hours = version, room, hours

    @cached_property
    def closures(self) -> tuple[Closure, ...]:
        found = Closure.objects.filter(Q(room_id=self.room.pk) | Q(site_id=self.room.site_id))
        return tuple(found.order_by("start"))

    @cached_property
    def guidelines(self) -> Guidelines | None:
        return current_guidelines(self.room.site_id)

    def room_for_request(self) -> Room:
        room = copy.copy(self.room)
        room._lokale_facts = self
        return room


class _Kept:
    def __init__(self, version: int | None):
        self.version = version
        self.rooms: dict[int, RoomFacts | None] = {}
        self.rules: tuple[PriceRule, ...] | None = None


_kept = _Kept(None)


def forget() -> None:
    """Keep nothing (the benchmark's count of a first request after a change)."""
    global _kept
    _kept = _Kept(None)


def read_version() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM booking_factsversion WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else row[0]


def _under(version: int) -> _Kept:
    """What this process keeps under ``version`` (emptied when it changed)."""
    global _kept
    if _kept.version != version:
        _kept = _Kept(version)
    return _kept


def _read_room(version: int | None, room_id: int) -> RoomFacts | None:
    room = Room.objects.select_related("site").filter(pk=room_id).first()
    if room is None:
        return None
    return RoomFacts(version, room, tuple(OpeningHours.objects.filter(room_id=room_id)))


def room_facts(room_id: int, *, version: int | None = None) -> RoomFacts | None:
    """The room's facts (None if there is no such room), read once per version.

    ``version`` when the caller has just read it (else it is read here, first).
    """
    if version is None:
        version = read_version()
    if version is None:  # no version row: read for this request, keep nothing
        return _read_room(None, room_id)
    kept = _under(version)
    if room_id not in kept.rooms:
        kept.rooms[room_id] = _read_room(version, room_id)
    return kept.rooms[room_id]


def facts_of(room: Room) -> RoomFacts:
    """The facts a request's room came with (``room_for_request``: the API), else the
    room's own, read for this request (a web page that read the room and its hours)."""
    facts = getattr(room, "_lokale_facts", None)
    if facts is None:
        facts = RoomFacts(None, room, tuple(room.opening_hours.all()))
    return facts


def price_rules(version: int | None) -> tuple[PriceRule, ...]:
    """The active price rules in the order they are tried, read once per version (each
    time without one)."""
    if version is None:
        return tuple(active_price_rules())
    kept = _under(version)
    if kept.rules is None:
        kept.rules = tuple(active_price_rules())
    return kept.rules


def confirmed(facts: RoomFacts) -> tuple[RoomFacts, tuple[PriceRule, ...]]:
    """The room's closures and the price rules as they are now, for a writer holding the
    room's queue: what the process keeps if the version is unchanged, else read afresh."""
    if facts.version is None:  # read for this request: read closures and rules again
        return RoomFacts(None, facts.room, facts.hours), price_rules(None)
    version = read_version()
    if version == facts.version:
        return facts, price_rules(version)
    now = room_facts(facts.room.pk, version=version) if version is not None else None
    if now is None:  # no version row, or the room is gone: read this once, keep nothing
        return RoomFacts(None, facts.room, facts.hours), price_rules(None)
    return now, price_rules(version)
