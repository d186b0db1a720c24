"""The allocator's rules, each with the case that tells it apart: run once with the rule
and once without it (the criterion left out of the season's list, the tolerance cut), so
a rule that stopped working would fail here."""

import datetime as dt
import random

from django.utils import translation

from seasons.allocator import Facts, RoomFacts, WishFacts, propose
from seasons.explain import explain

T0 = dt.datetime(2026, 8, 1, 9, 0, tzinfo=dt.UTC)
EVENINGS = {day: [(16 * 60, 22 * 60)] for day in range(7)}
MONDAYS = {0: [dt.date(2027, 1, 4) + dt.timedelta(weeks=n) for n in range(10)]}


def room(pk=1, site=1, name="Gymsal A", capacity=60, **extra):
    values = {"step": 30, "min_minutes": 30, "max_minutes": 480, "hours": EVENINGS} | extra
    return RoomFacts(id=pk, site_id=site, name=name, capacity=capacity, **values)


def wish(pk, org, start="18:00", end="19:00", room_id=1, site=1, rank=1, minutes_late=0, **extra):
    h, m = map(int, start.split(":"))
    eh, em = map(int, end.split(":"))
    return WishFacts(
        id=pk, organisation_id=org, organisation_name=f"Lag {org}", site_id=site,
        room_id=room_id, weekday=0, start=h * 60 + m, end=eh * 60 + em, attendees=20,
        rank=rank, submitted_at=T0 + dt.timedelta(minutes=minutes_late), **extra,
    )  # fmt: skip


def facts(wishes, rooms=None, priorities=(), tolerance=60, **extra):
    rooms = rooms or [room()]
    return Facts(
        rooms={r.id: r for r in rooms}, wishes=list(wishes), priorities=list(priorities),
        tolerance=tolerance, days=extra.pop("days", MONDAYS), **extra,
    )  # fmt: skip


def outcomes(decisions):
    return {d.wish_id: (d.outcome, d.room_id, d.start) for d in decisions}


def test_children_and_youth_before_adults():
    # The adults applied first and rank the slot 1; the youth team applied later.
    wishes = [wish(1, org=1), wish(2, org=2, minutes_late=30, children_and_youth=True)]
    with_rule = outcomes(propose(facts(wishes, priorities=["children_and_youth"])))
    assert with_rule[2] == ("granted", 1, 18 * 60)
    assert with_rule[1][0] == "moved"
    without = outcomes(propose(facts(wishes, priorities=[])))
    assert without[1] == ("granted", 1, 18 * 60)
    assert without[2][0] == "moved"


def test_verified_voluntary_before_commercial():
    wishes = [wish(1, org=1), wish(2, org=2, minutes_late=30, verified_voluntary=True)]
    assert outcomes(propose(facts(wishes, priorities=["verified_voluntary"])))[2][0] == "granted"
    assert outcomes(propose(facts(wishes, priorities=[])))[2][0] == "moved"


def test_last_seasons_holder_keeps_its_slot_when_the_criterion_is_on():
    wishes = [wish(1, org=1), wish(2, org=2, minutes_late=30, held_last_season=True)]
    assert outcomes(propose(facts(wishes, priorities=["last_season"])))[2][0] == "granted"
    assert outcomes(propose(facts(wishes, priorities=[])))[2][0] == "moved"


def test_checked_members_under_20_more_first():
    wishes = [
        wish(1, org=1, members_under_20=40),
        wish(2, org=2, minutes_late=30, members_under_20=120),
    ]
    assert outcomes(propose(facts(wishes, priorities=["members_under_20"])))[2][0] == "granted"
    assert outcomes(propose(facts(wishes, priorities=[])))[1][0] == "granted"


def test_application_time_as_criterion_goes_before_rank():
    # Org 1 applied first but ranks this wish 2; org 2 later with rank 1.
    wishes = [wish(1, org=1, rank=2), wish(2, org=2, minutes_late=30, rank=1)]
    assert outcomes(propose(facts(wishes, priorities=["application_time"])))[1][0] == "granted"
    # Without it, the rank decides (tie-break 2): org 2's first choice wins.
    assert outcomes(propose(facts(wishes, priorities=[])))[2][0] == "granted"


def test_the_organisations_own_rank_orders_its_wishes():
    # Both of org 1's wishes want the only slot; no tolerance to move either.
    wishes = [wish(1, org=1, rank=2), wish(2, org=1, rank=1)]
    result = outcomes(propose(facts(wishes, tolerance=0)))
    assert result[2][0] == "granted"
    assert result[1][0] == "denied"


def test_moved_within_the_tolerance_or_denied_beyond_it():
    wishes = [wish(1, org=1, children_and_youth=True), wish(2, org=2)]
    moved = propose(facts(wishes, priorities=["children_and_youth"], tolerance=60))
    assert outcomes(moved)[2] == ("moved", 1, 19 * 60)  # 19:00–20:00, 1 h later
    denied = propose(facts(wishes, priorities=["children_and_youth"], tolerance=30))
    assert outcomes(denied)[2] == ("denied", None, None)
    with translation.override("en"):
        assert explain(moved[1].explanation) == (
            "Moved 1 hour later: 18:00 is held by Lag 1, with higher priority."
        )
        assert explain(denied[1].explanation) == (
            "Denied: no free time within 30 minutes at the site; "
            "18:00 is held by Lag 1, with higher priority."
        )
        assert explain(moved[0].explanation) == ("Granted: children and youth activity, rank 1.")


def test_later_before_earlier_and_the_asked_room_before_others():
    rooms = [room(1, name="Gymsal A"), room(2, name="Gymsal B")]
    # Org 1 holds A 18–19; org 2 asks A 18–19 → same time in B beats a shift in A.
    wishes = [wish(1, org=1, children_and_youth=True), wish(2, org=2)]
    result = propose(facts(wishes, rooms=rooms, priorities=["children_and_youth"]))
    assert outcomes(result)[2] == ("moved", 2, 18 * 60)
    with translation.override("en"):
        assert explain(result[1].explanation).startswith("Moved, to Gymsal B: 18:00 is held")
    # With one room and a slot free both before and after, later wins.
    one = [room(1, hours={0: [(17 * 60, 20 * 60)]})]
    shifted = outcomes(propose(facts(wishes, rooms=one, priorities=["children_and_youth"])))
    assert shifted[2] == ("moved", 1, 19 * 60)
    early = [room(1, hours={0: [(17 * 60, 19 * 60)]})]
    shifted = outcomes(propose(facts(wishes, rooms=early, priorities=["children_and_youth"])))
    assert shifted[2] == ("moved", 1, 17 * 60)


def test_opening_hours_capacity_and_length_are_kept():
    small = room(1, capacity=10)
    result = propose(facts([wish(1, org=1)], rooms=[small]))
    assert result[0].outcome == "denied"
    assert result[0].explanation["blocked"] == {"kind": "capacity", "capacity": 10}
    late = propose(facts([wish(1, org=1, start="21:30", end="23:00")], tolerance=60))
    assert outcomes(late)[1] == ("moved", 1, 20 * 60 + 30)  # 20:30–22:00, inside 16–22


def test_existing_bookings_and_closures_every_week_block_a_slot():
    days = MONDAYS[0]
    booked = {(1, 0): [(18 * 60, 19 * 60, days[3])]}  # one Monday, 18–19
    result = outcomes(propose(facts([wish(1, org=1)], booked=booked)))
    assert result[1] == ("moved", 1, 19 * 60)
    # A closure on one Monday leaves the others: the slot is granted (that week skipped).
    one_week = {(1, 0): [(0, 24 * 60, days[2])]}
    assert outcomes(propose(facts([wish(1, org=1)], closed=one_week)))[1][0] == "granted"
    # Closed at 18–19 every Monday: not that time.
    every = {(1, 0): [(18 * 60, 19 * 60, day) for day in days]}
    assert outcomes(propose(facts([wish(1, org=1)], closed=every)))[1] == ("moved", 1, 19 * 60)
    # Every Monday a public holiday (no days left): denied.
    denied = propose(facts([wish(1, org=1)], days={0: []}))
    assert denied[0].outcome == "denied"
    assert denied[0].explanation["blocked"] == {"kind": "holidays"}


def test_any_room_of_the_site_is_as_asked():
    rooms = [room(1, name="Gymsal A"), room(2, name="Gymsal B")]
    wishes = [wish(1, org=1, children_and_youth=True), wish(2, org=2, room_id=None)]
    result = outcomes(propose(facts(wishes, rooms=rooms, priorities=["children_and_youth"])))
    assert result[2] == ("granted", 2, 18 * 60)


def test_the_same_facts_shuffled_give_the_same_allocation():
    rooms = [room(1, name="Gymsal A"), room(2, name="Gymsal B", capacity=25)]
    rng = random.Random(7)
    starts = [16 * 60 + 30 * rng.randint(0, 7) for _ in range(40)]
    wishes = [
        wish(
            n,
            org=n % 9,
            start=f"{starts[n] // 60}:{starts[n] % 60:02d}",
            end=f"{(starts[n] + 60) // 60}:{(starts[n] + 60) % 60:02d}",
            room_id=rng.choice([1, 2, None]),
            rank=n // 9 + 1,
            minutes_late=rng.randint(0, 5),
            children_and_youth=rng.random() < 0.4,
            verified_voluntary=rng.random() < 0.5,
        )
        for n in range(40)
    ]
    priorities = ["children_and_youth", "verified_voluntary", "application_time"]
    first = sorted(
        (d.wish_id, d.outcome, d.room_id, d.start)
        for d in propose(facts(wishes, rooms, priorities))
    )
    for seed in range(5):
        shuffled = wishes[:]
        random.Random(seed).shuffle(shuffled)
        again = propose(facts(shuffled, list(reversed(rooms)), priorities))
        assert sorted((d.wish_id, d.outcome, d.room_id, d.start) for d in again) == first
    assert {o for _w, o, _r, _s in first} >= {"granted", "moved", "denied"}
