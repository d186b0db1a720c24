"""The reminder and digest sweeps' booking queries over 1,000,000 bookings, with and
without the partial index on the active bookings' start (booking_active_start_idx).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/sweep_query.py

Works only on its own database, `lokale_bench_sweep` on the server DATABASE_URL names,
which it drops, recreates and migrates; 200 rooms get 5,000 bookings each (one every
three hours, 90 % in the past, one in ten cancelled or rejected) in one INSERT … SELECT
over generate_series. Each sweep runs once in a rolled-back transaction to capture its
SQL, which is then timed as sent (rows fetched), with the index and after dropping it in
a transaction that is rolled back. Writes its table into BENCHMARKS.md.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import load
import psycopg
import report

ROOT = Path(__file__).resolve().parent.parent
DB = "lokale_bench_sweep"
ROOMS, PER_ROOM, RUNS = 200, 5000, 30
INDEX = "booking_active_start_idx"


def setup(database_url: str) -> None:
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"needs a PostgreSQL DATABASE_URL, not {parts.scheme!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(
        DATABASE_URL=urlunsplit(parts._replace(path=f"/{DB}")),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="true",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(now: dt.datetime) -> float:
    """Sites, rooms, organisations and PER_ROOM bookings a room; returns the seconds taken."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from booking.models import Booking, Organisation, Room, Site

    began = time.perf_counter()
    user = get_user_model().objects.create(username="bench-sweep")
    sites = Site.objects.bulk_create(Site(name=f"Skole {i}") for i in range(10))
    for site in sites:
        site.caretakers.add(user)
    rooms = Room.objects.bulk_create(
        Room(site=sites[i % 10], name=f"Rom {i}", capacity=30) for i in range(ROOMS)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Lag {i}", category=Organisation.Category.VOLUNTARY) for i in range(100)
    )
    first = now - dt.timedelta(hours=3 * PER_ROOM * 9 // 10)
    generated = {
        "room_id": "(%(rooms)s::bigint[])[1 + n %% %(room_count)s]",
        "organisation_id": "(%(organisations)s::bigint[])[1 + n %% 100]",
        "booked_by_id": "%(user)s",
        "start": "%(first)s::timestamptz + (n / %(room_count)s) * interval '3 hours'",
        "end": "%(first)s::timestamptz + (n / %(room_count)s) * interval '3 hours'"
        " + interval '1 hour'",
        "title": "'Øving ' || n",
        "attendees": "10",
        "status": "(%(statuses)s::text[])[1 + (n / 7) %% 20]",
        "created_at": "%(first)s::timestamptz + (n / %(room_count)s) * interval '3 hours'"
        " - interval '30 days'",
        "updated_at": "%(first)s::timestamptz",
    }
    columns, expressions, params = [], [], {
        "rooms": [r.pk for r in rooms], "organisations": [o.pk for o in organisations],
        "room_count": ROOMS, "user": user.pk, "first": first,
        "statuses": ["confirmed"] * 16 + ["pending", "pending", "cancelled", "rejected"],
    }  # fmt: skip
    for field in Booking._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in generated:
            expressions.append(generated[field.column])
        elif field.null:
            expressions.append("NULL")
        else:  # every other column holds its model default, however many there are
            params[field.column] = field.get_db_prep_save(field.get_default(), connection)
            expressions.append(f"%({field.column})s")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO booking_booking ({', '.join(columns)}) "  # noqa: S608 (the model's columns)
            f"SELECT {', '.join(expressions)} FROM generate_series(0, %(total)s - 1) AS n",
            {**params, "total": ROOMS * PER_ROOM},
        )
        cursor.execute("VACUUM ANALYZE booking_booking")
    return time.perf_counter() - began


def captured(sweep, now) -> tuple[str, tuple]:
    """The booking query ``sweep`` sends at ``now`` (run in a rolled-back transaction)."""
    from django.db import connection, transaction

    seen = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep), transaction.atomic():
        sweep(now=now)
        transaction.set_rollback(True)
    return next((s, p) for s, p in seen if 'FROM "booking_booking"' in s)


def timed(sql: str, params) -> dict:
    """RUNS executions as the application sees them (rows fetched, in ms), the server's
    own execution time (EXPLAIN ANALYZE, in ms), the row count and the scan of bookings."""
    from django.db import connection

    client, server = [], []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            began = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            client.append((time.perf_counter() - began) * 1000)
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            explained = cursor.fetchone()[0]
            explained = explained[0] if isinstance(explained, list) else explained
            server.append(explained["Execution Time"])
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    scan = next(
        line.strip().lstrip("-> ").split("  (cost")[0]
        for line in plan
        if "Scan" in line and "on booking_booking" in line
    )
    return {"client": client, "server": server, "rows": rows, "scan": scan}


def main() -> int:
    setup(os.environ.get("DATABASE_URL", ""))
    from django.db import connection, transaction

    from booking import notify
    from booking.timeutil import OSLO

    now = dt.datetime.now(OSLO).replace(hour=9, minute=0, second=0, microsecond=0)
    seconds = fill(now)
    print(f"filled {ROOMS * PER_ROOM:,} bookings in {seconds:.0f} s")
    sweeps = {
        "reminder sweep (confirmed, start in the next two days)": notify.send_reminders,
        "caretakers' digest (active, today, per site's rooms)": notify.send_caretaker_digests,
    }
    rows = []
    for label, sweep in sweeps.items():
        sql, params = captured(sweep, now)
        with_index = timed(sql, params)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX {INDEX}")
            without = timed(sql, params)
            transaction.set_rollback(True)
        rows.append((label, with_index, without))

    def fig(ms):
        return f"{statistics.median(ms):.1f} / {load.percentile(ms, 95):.1f}"

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
                   "unknown CPU")  # fmt: skip
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/sweep_query.py): {os.cpu_count()} vCPU ({cpu}), PostgreSQL {postgres}, "
        f"{ROOMS * PER_ROOM:,} bookings in {ROOMS} rooms (filled in {seconds:.0f} s). Each "
        f"query as the sweep sends it, {RUNS} runs: the server's execution time (EXPLAIN "
        "ANALYZE) and the time with the rows fetched into Python, p50 / p95 ms.\n\n"
        "| sweep's query | rows | index | server | with rows fetched | scan of the bookings |\n"
        "| --- | ---: | --- | ---: | ---: | --- |\n"
        + "\n".join(
            f"| {label} | {figures['rows']} | {state} | {fig(figures['server'])} "
            f"| {fig(figures['client'])} | {figures['scan']} |"
            for label, with_index, without in rows
            for state, figures in (("with", with_index), ("without", without))
        )
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section(
            "sweep_query.py", "The sweeps' query over 1,000,000 bookings", text
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
