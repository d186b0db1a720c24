"""The sweeps' queries over all rooms use the partial index on the active bookings' start
(PostgreSQL's planner, asked with EXPLAIN on a table big enough for it to matter)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import notify
from booking.models import Booking
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
