"""The room week page with 500 bookings in the week, rendered server-side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/week_page.py

Runs after bench/run.py on its database (`lokale_bench`), in-process with Django's test
client: the time is the server's (URL routing, middleware, queries, template), without
network. Adds one room with 500 bookings in one week, measures, removes them again.
"""

import datetime as dt
import os
import statistics
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import load
import report
import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OSLO = ZoneInfo("Europe/Oslo")
BOOKINGS = 500
RENDERS = 200
BUDGET_P95_MS = 100


def main() -> int:
    run.setup_django_serving_static()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from booking.models import Booking, OpeningHours, Organisation, Room, Site

    site = Site.objects.create(name="Bench: travel uke", kind=Site.Kind.SCHOOL)
    room = Room.objects.create(site=site, name="Travelt rom", capacity=40, slot_step_minutes=15)
    OpeningHours.objects.bulk_create(
        OpeningHours(room=room, weekday=d, opens=dt.time(0), closes=dt.time(0)) for d in range(7)
    )
    organisation = Organisation.objects.create(name="Bench-laget", category="voluntary")
    user = get_user_model().objects.create(username="bench-week")
    today = dt.datetime.now(OSLO).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    first = dt.datetime.combine(monday, dt.time(0), tzinfo=OSLO)
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
    try:
        client = Client(SERVER_NAME="localhost")
        path = f"/rooms/{room.pk}/?week={monday}"
        with run.counting_queries() as queries:
            response = client.get(path)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b'class="entry busy"') == BOOKINGS
        timings = run.timed_gets(client, path, RENDERS)
    finally:
        Booking.objects.filter(room=room).delete()
        room.delete()
        site.delete()
        organisation.delete()
        user.delete()
    p50 = statistics.median(timings)
    p95 = load.percentile(timings, 95)
    met = "yes" if p95 <= BUDGET_P95_MS else "**no**"
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/week_page.py), in-process, DEBUG off, {os.cpu_count()} cores.\n\n"
        "| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        f"| room week page, {BOOKINGS} bookings that week, {RENDERS} renders, p50 / p95 ms "
        f"| {p50:.1f} / {p95:.1f} | p95 < {BUDGET_P95_MS} ms | {met} |\n"
        f"| SQL queries for the page | {len(queries)} | ≤ 10 | "
        f"{'yes' if len(queries) <= 10 else '**no**'} |"
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section("week_page.py", "The room week page", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
