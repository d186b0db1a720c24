"""The room week page as a time grid: 500 bookings in one week, server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/week_grid.py

Works on its own database, `lokale_bench_week_grid` on the server DATABASE_URL names,
which it drops, recreates and migrates. In-process with Django's test client and
production settings (DEBUG off, hashed static files), like bench/week_page.py: the time
is the server's (routing, middleware, queries, holidays, template: the day list and the
grid), without network. The week measured holds Maundy Thursday and Good Friday, so the
holiday names are on the page too. Writes its table into BENCHMARKS.md.
"""

import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import load
import psycopg
import report
import run

ROOT = Path(__file__).resolve().parent.parent
DB = "lokale_bench_week_grid"
OSLO = ZoneInfo("Europe/Oslo")
MONDAY = dt.date(2027, 3, 22)  # Easter week: two public holidays
BOOKINGS = 500
RENDERS = 200
BUDGET_P95_MS = 100
QUERY_BUDGET = 10


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
            urlunsplit(parts._replace(path=f"/{DB}")),
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="bench",
            DJANGO_ALLOWED_HOSTS="localhost",
            LOKALE_SECURE_SSL_REDIRECT="false",
            LOKALE_STATIC_ROOT=str(ROOT / "bench/results/static"),
        )
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def seed() -> int:
    """One room open around the clock with BOOKINGS bookings in the week; its id."""
    from django.contrib.auth import get_user_model

    from booking.models import Booking, OpeningHours, Organisation, Room, Site

    site = Site.objects.create(name="Bench: travel uke", kind=Site.Kind.SCHOOL)
    room = Room.objects.create(site=site, name="Travelt rom", capacity=40, slot_step_minutes=15)
    OpeningHours.objects.bulk_create(
        OpeningHours(room=room, weekday=d, opens=dt.time(0), closes=dt.time(0)) for d in range(7)
    )
    organisation = Organisation.objects.create(name="Bench-laget", category="voluntary")
    user = get_user_model().objects.create(username="bench-week")
    # UTC steps: the week ends on the night the clocks go forward.
    first = dt.datetime.combine(MONDAY, dt.time(0), tzinfo=OSLO).astimezone(dt.UTC)
    # 500 bookings of 15 minutes with 5 minutes between: 72 a day, a full week.
    Booking.objects.bulk_create(
        Booking(
            room=room, organisation=organisation, booked_by=user, title=f"Økt {i}",
            start=first + dt.timedelta(minutes=20 * i),
            end=first + dt.timedelta(minutes=20 * i + 15), attendees=5,
            status="confirmed", public=i % 3 == 0,
        )
        for i in range(BOOKINGS)
    )  # fmt: skip
    return room.pk


def main() -> int:
    setup(os.environ.get("DATABASE_URL", ""))
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    path = f"/rooms/{seed()}/?week={MONDAY}"
    with run.counting_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert html.count('class="b busy ') == BOOKINGS, html.count('class="b busy ')
    assert "Skjærtorsdag" in html
    load_before, cpu_before = os.getloadavg()[0], time.process_time()
    timings = run.timed_gets(client, path, RENDERS)
    load_after, cpu_ms = os.getloadavg()[0], (time.process_time() - cpu_before) * 1000 / RENDERS
    p50, p95 = statistics.median(timings), load.percentile(timings, 95)
    met = "yes" if p95 <= BUDGET_P95_MS else "**no**"
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/week_grid.py), in-process, DEBUG off, {os.cpu_count()} vCPU "
        f"({platform.machine()}, Python {platform.python_version()}), "
        f"{len(response.content) // 1024} KiB of HTML; load average {load_before:.1f} before, "
        f"{load_after:.1f} after (the machine is shared: above 2, wall times stretch).\n\n"
        "| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        f"| room week page with the grid and the day list, {BOOKINGS} bookings that week "
        f"(Easter, two holidays), {RENDERS} renders, p50 / p95 ms "
        f"| {p50:.1f} / {p95:.1f} | p95 < {BUDGET_P95_MS} ms | {met} |\n"
        f"| this process's CPU time per render (mean; less sensitive to the load, without "
        f"PostgreSQL's share) | {cpu_ms:.1f} ms | | |\n"
        f"| SQL queries for the page | {len(queries)} | ≤ {QUERY_BUDGET} | "
        f"{'yes' if len(queries) <= QUERY_BUDGET else '**no**'} |"
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section("week_grid.py", "The room week grid", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
