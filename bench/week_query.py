"""A room's week availability query at 10,000, 100,000 and 1,000,000 bookings: rows read,
buffers and time, through the overlap constraint's index and the plain comparison.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/week_query.py

Works only on its own database, `<bench database>_week` (`lokale_bench_week` unless
LOKALE_BENCH_DB says otherwise) on the server DATABASE_URL names, which it drops,
recreates and migrates. 20 rooms hold all the bookings (a room-heavy table: 50,000 a
room at 1 M), one hour every three hours, one in ten cancelled, filled with one
INSERT … SELECT over generate_series. The history grows backwards from the same last
day, so the weeks asked for (among the last 8) are the same at every size and only the
history before them grows. The bookings query is captured from
booking.selectors.room_availability as it sends it, and once more with the plain
`start < week's end AND end > week's start` filter it had before, for comparison.
Writes its table into BENCHMARKS.md.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import load
import psycopg
import report
import run

ROOT = Path(__file__).resolve().parent.parent
DB = f"{run.BENCH_DB}_week"
ROOMS = 20
SIZES = (10_000, 100_000, 1_000_000)
RUNS = 200
BUDGET_P95_MS = 10
LAST_DAY = dt.date(2031, 6, 30)


def setup(database_url: str) -> None:
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"needs a PostgreSQL DATABASE_URL, not {parts.scheme!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(
        run.django_env(
            urlunsplit(parts._replace(path=f"/{DB}")), DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="bench", DJANGO_ALLOWED_HOSTS="localhost",
        )
    )  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_rooms() -> tuple[list, int, int]:
    from django.contrib.auth import get_user_model

    from booking.models import Organisation, Room, Site

    user = get_user_model().objects.create(username="bench-week")
    site = Site.objects.create(name="Skole")
    rooms = Room.objects.bulk_create(
        Room(site=site, name=f"Rom {i}", capacity=30) for i in range(ROOMS)
    )
    organisation = Organisation.objects.create(name="Lag", category="voluntary")
    return rooms, organisation.pk, user.pk


def fill(total: int, rooms, organisation: int, user: int) -> float:
    """Replace all bookings with ``total`` ones, ending on LAST_DAY; seconds taken."""
    from django.db import connection

    from booking.models import Booking

    began = time.perf_counter()
    per_room = total // ROOMS
    last = dt.datetime.combine(LAST_DAY, dt.time(0), tzinfo=dt.UTC)
    generated = {
        "room_id": "(%(rooms)s::bigint[])[1 + n %% %(room_count)s]",
        "organisation_id": "%(organisation)s",
        "booked_by_id": "%(user)s",
        "start": "%(last)s::timestamptz - (%(per_room)s - n / %(room_count)s) * interval '3 hours'",
        "end": "%(last)s::timestamptz - (%(per_room)s - n / %(room_count)s) * interval '3 hours'"
        " + interval '1 hour'",
        "title": "'Øving ' || n",
        "attendees": "10",
        "status": "CASE WHEN n %% 10 = 3 THEN 'cancelled' ELSE 'confirmed' END",
        "created_at": "%(last)s::timestamptz - interval '20 years'",
        "updated_at": "%(last)s::timestamptz - interval '20 years'",
    }
    columns, expressions = [], []
    params = {
        "rooms": [r.pk for r in rooms], "room_count": ROOMS, "organisation": organisation,
        "user": user, "last": last, "per_room": per_room, "total": per_room * ROOMS,
    }  # fmt: skip
    for field in Booking._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in generated:
            expressions.append(generated[field.column])
        elif field.null:
            expressions.append("NULL")
        else:
            params[field.column] = field.get_db_prep_save(field.get_default(), connection)
            expressions.append(f"%({field.column})s")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE booking_booking CASCADE")
        cursor.execute(
            f"INSERT INTO booking_booking ({', '.join(columns)}) "  # noqa: S608 (the model's columns)
            f"SELECT {', '.join(expressions)} FROM generate_series(0, %(total)s - 1) AS n",
            params,
        )
        cursor.execute("VACUUM ANALYZE booking_booking")
    return time.perf_counter() - began


def weeks(rooms, rng: random.Random) -> list[tuple]:
    """RUNS (room, Monday) pairs among the last 8 weeks of the data (the 10,000 hold nine)."""
    last_monday = LAST_DAY - dt.timedelta(days=LAST_DAY.weekday() + 7)
    return [
        (rng.choice(rooms), last_monday - dt.timedelta(weeks=rng.randrange(8))) for _ in range(RUNS)
    ]


def captured(room, monday: dt.date, plain: bool) -> tuple[str, tuple]:
    """The bookings query of room_availability for the week (with ``plain``, the
    start/end comparison it had before instead of the range overlap)."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.db.models import Q

    from booking import selectors

    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    original = selectors.room_overlapping
    if plain:
        selectors.room_overlapping = lambda room_id, start, end: Q(
            room_id=room_id, start__lt=end, end__gt=start
        )
    try:
        with connection.execute_wrapper(keep):
            selectors.room_availability(
                room=room, date_from=monday, date_to=monday + dt.timedelta(days=6),
                user=AnonymousUser(),
            )  # fmt: skip
    finally:
        selectors.room_overlapping = original
    return next((s, p) for s, p in seen if 'FROM "booking_booking"' in s)


def explained(sql: str, params) -> dict:
    """Rows the scan of booking_booking read (kept + thrown away), buffers, the server's
    time and the scan's name, from EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    top, nodes, read, scans = plan["Plan"], [plan["Plan"]], 0, []
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") == "booking_booking":
            read += (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
        index = node.get("Index Name", "")
        if index and not index.startswith("booking_organisation"):
            scans.append(f"{node['Node Type']} using {index}")
        elif node.get("Relation Name") == "booking_booking":
            scans.append(node["Node Type"])
    return {
        "rows": top["Actual Rows"],
        "read": read,
        "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "server": plan["Execution Time"],
        "scan": ", ".join(sorted(set(scans))),
    }


def measure(pairs, plain: bool) -> dict:
    """Each (room, week)'s query timed as the application sees it (rows fetched) and
    explained; the figures of the median query and the spread of the timings."""
    from django.db import connection

    client, found = [], []
    with connection.cursor() as cursor:
        for room, monday in pairs:
            sql, params = captured(room, monday, plain)
            began = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            client.append((time.perf_counter() - began) * 1000)
            found.append(explained(sql, params))
    return {
        "client": client,
        "server": [f["server"] for f in found],
        "rows": statistics.median(f["rows"] for f in found),
        "read": statistics.median(f["read"] for f in found),
        "read_max": max(f["read"] for f in found),
        "buffers": statistics.median(f["buffers"] for f in found),
        "scan": found[0]["scan"],
    }


def whole_call(pairs) -> list[float]:
    """room_availability itself (its three queries and the week's assembly), ms."""
    from django.contrib.auth.models import AnonymousUser

    from booking.selectors import room_availability

    timings = []
    for room, monday in pairs:
        began = time.perf_counter()
        room_availability(
            room=room, date_from=monday, date_to=monday + dt.timedelta(days=6),
            user=AnonymousUser(),
        )  # fmt: skip
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def explain_text(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> int:
    setup(os.environ.get("DATABASE_URL", ""))
    rooms, organisation, user = make_rooms()
    rng = random.Random(18)
    pairs = weeks(rooms, rng)
    rows, plans_text = [], {}
    for size in SIZES:
        seconds = fill(size, rooms, organisation, user)
        print(f"filled {size:,} bookings in {seconds:.0f} s", flush=True)
        for plain in (False, True):
            figures = measure(pairs, plain)
            rows.append((size, plain, figures))
        if size == SIZES[-1]:
            for plain in (False, True):
                plans_text[plain] = explain_text(*captured(*pairs[0], plain))
            whole = whole_call(pairs)

    def fig(values):
        return f"{statistics.median(values):.2f} / {load.percentile(values, 95):.2f}"

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
                   "unknown CPU")  # fmt: skip
    at_most = rows[-2][2]
    p95 = load.percentile(at_most["client"], 95)
    loadavg = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/week_query.py): {os.cpu_count()} vCPU ({cpu}), PostgreSQL {postgres}, load "
        f"average at the end {loadavg}. {ROOMS} rooms hold all the bookings; {RUNS} week "
        "queries (random room, random week among the last 8) at each size, each timed with "
        "its rows fetched into Python and explained with EXPLAIN (ANALYZE, BUFFERS). "
        "Rows read: what the scan of booking_booking returned plus what it threw away "
        "(median, max). Times p50 / p95 ms.\n\n"
        "| bookings | filter | rows returned | rows read (median / max) | buffers | server "
        "| with rows fetched | scan |\n"
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
        + "\n".join(
            f"| {size:,} | {'start/end comparison (before)' if plain else 'range overlap'} "
            f"| {f['rows']:.0f} | {f['read']:.0f} / {f['read_max']} | {f['buffers']:.0f} "
            f"| {fig(f['server'])} | {fig(f['client'])} | {f['scan']} |"
            for size, plain, f in rows
        )
        + f"\n\nWeek query p95 at {SIZES[-1]:,} bookings, rows fetched: **{p95:.2f} ms** "
        f"(budget ≤ {BUDGET_P95_MS} ms: {'met' if p95 <= BUDGET_P95_MS else '**missed**'}); "
        f"room_availability in all (three queries and the week's assembly), p50 / p95: "
        f"{fig(whole)} ms.\n\n"
        f"The plan at {SIZES[-1]:,} bookings, range overlap:\n\n```\n{plans_text[False]}\n```\n\n"
        f"The same week with the start/end comparison:\n\n```\n{plans_text[True]}\n```"
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section(
            "week_query.py", "A room's week at 10,000 to 1,000,000 bookings", text
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
