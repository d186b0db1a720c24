"""The sweeps' queries over all rooms use the partial index on the active bookings' start,
and a room's week is read through the overlap constraint's index (PostgreSQL's planner,
asked with EXPLAIN on a table big enough for it to matter)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import notify
from booking.models import Booking, Room
from booking.selectors import room_availability, rooms_free_between
from booking.timeutil import local_midnight
from tests.factories import RoomFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROOMS, PER_ROOM = 10, 1000


@pytest.fixture
def many_bookings(people):
    """10,000 bookings of three organisations, one every three hours in each of 10 rooms,
    nine in ten in the past; one in ten cancelled or rejected."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner asked is PostgreSQL's")
    rooms = [people.room] + [RoomFactory(site=people.room.site) for _ in range(ROOMS - 1)]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    first = now - dt.timedelta(hours=3 * PER_ROOM * 9 // 10)
    statuses = ["confirmed"] * 16 + ["pending", "pending", "cancelled", "rejected"]
    Booking.objects.bulk_create(
        (
            Booking(
                room=room, organisation=(people.org_a, people.org_b, None)[n % 3],
                booked_by=people.alice,
                start=first + dt.timedelta(hours=3 * n),
                end=first + dt.timedelta(hours=3 * n + 1), title="Øving", attendees=5,
                status=statuses[(n + i) % len(statuses)],
                created_at=now - dt.timedelta(days=30),
            )
            for n in range(PER_ROOM)
            for i, room in enumerate(rooms)
        ),
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE booking_booking")
    return now


def sweep_sql(sweep, now) -> str:
    """The booking query a sweep runs at ``now``, as sent to the database."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        sweep(now=now)
        transaction.set_rollback(True)
    return next(q["sql"] for q in queries if 'FROM "booking_booking"' in q["sql"])


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def cost(plan_text: str) -> float:
    """The planner's estimate of the whole query's cost (the top node's total)."""
    return float(plan_text.split("cost=", 1)[1].split("..", 1)[1].split(" ", 1)[0])


def test_the_reminder_sweep_reads_the_active_start_index(many_bookings):
    sql = sweep_sql(notify.send_reminders, many_bookings)
    with_index = plan(sql)
    assert "booking_active_start_idx" in with_index, with_index
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX booking_active_start_idx")
        without = plan(sql)
        transaction.set_rollback(True)
    # Without it the planner falls back to a whole-table read (a sequential scan, or a
    # full walk of the organisation-first index): many times the estimated cost.
    assert cost(without) > 5 * cost(with_index), (with_index, without)


def availability_sql(room, day: dt.date) -> str:
    """The bookings query of a room's week availability, as sent to the database."""
    with CaptureQueriesContext(connection) as queries:
        room_availability(
            room=room, date_from=day, date_to=day + dt.timedelta(days=6), user=AnonymousUser()
        )
    return next(q["sql"] for q in queries if 'FROM "booking_booking"' in q["sql"])


def overlap_index_scans(sql: str, params=()) -> tuple[list, list[dict]]:
    """The query run with EXPLAIN ANALYZE: the plan, and its scans of booking_no_overlap."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params or None)
        (explained,) = cursor.fetchone()
    nodes, scans = [explained[0]["Plan"]], []
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Index Name") == "booking_no_overlap":
            scans.append(node)
    return explained, scans


def test_a_rooms_week_is_found_through_the_overlap_constraints_index(many_bookings, people):
    """The week's bookings come from the exclusion constraint's GiST index, searched by
    room and time range both: not the room's whole history before the week (the
    (room, start) index), nor every room's bookings of the week."""
    day = timezone.localdate(many_bookings) - dt.timedelta(days=7)
    explained, scans = overlap_index_scans(availability_sql(people.room, day))
    assert len(scans) == 1, explained
    assert "room_id" in scans[0]["Index Cond"] and "&&" in scans[0]["Index Cond"], scans[0]
    # 56 bookings of the room in that week (one every three hours; nine in ten active):
    # the index hands over about those, not the ~900 earlier ones of the room.
    assert scans[0]["Actual Rows"] <= 60, scans[0]


def test_the_week_shows_the_same_bookings_either_way(many_bookings, people):
    """The range filter finds exactly what start < week's end and end > week's start
    finds (bookings that begin before the week and end in it included)."""
    day = timezone.localdate(many_bookings) - dt.timedelta(days=7)
    (week,) = room_availability(room=people.room, date_from=day, date_to=day, user=AnonymousUser())
    begin = local_midnight(day)
    expected = Booking.objects.filter(
        room=people.room,
        status__in=Booking.ACTIVE_STATUSES,
        start__lt=begin + dt.timedelta(days=1),
        end__gt=begin,
    ).order_by("start")
    assert [(b["start"], b["end"]) for b in week.busy] == [(b.start, b.end) for b in expected]


def test_the_free_room_search_asks_the_overlap_constraints_index(many_bookings, people):
    """Free rooms for an hour: each room's bookings in it come from the GiST index by
    room and range, not from the room's history before the hour (rows read stay at the
    hour's bookings, whatever the history); and the answer is the plain comparison's."""
    start = many_bookings - dt.timedelta(days=3)  # a booking starts every 3 h in each room
    end = start + dt.timedelta(hours=2)
    rooms = Room.objects.filter(site=people.room.site).order_by("pk")
    found = rooms_free_between(rooms, start, end)
    explained, scans = overlap_index_scans(*found.query.sql_with_params())
    assert scans and all("&&" in n["Index Cond"] for n in scans), explained
    assert all(n["Actual Rows"] <= 2 for n in scans), scans
    busy = set(
        Booking.objects.filter(
            status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
        ).values_list("room_id", flat=True)
    )
    expected = [r.pk for r in rooms if r.pk not in busy]
    assert [r.pk for r in found] == expected
    assert 0 < len(expected) < ROOMS  # some rooms busy then, some free
