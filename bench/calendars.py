"""The caretaker's day for a site with 50 rooms and 300 bookings, and a feed of 2,000 events.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/calendars.py

Runs after bench/run.py on its database (`lokale_bench`), in-process with Django's test
client (the server's time: routing, middleware, queries, rendering), DEBUG off, after
`gc.freeze()` as the gunicorn workers do (config/gunicorn.py). Adds a site, measures,
removes it.
"""

import datetime as dt
import gc
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
ROOMS, DAY_BOOKINGS, FEED_EVENTS, RUNS = 50, 300, 2000, 50
BUDGET_DAY_MS, BUDGET_DAY_QUERIES, BUDGET_FEED_MS = 50, 8, 300


def main() -> int:
    run.setup_django_serving_static()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from booking.models import Booking, OpeningHours, Organisation, Room, Site

    site = Site.objects.create(name="Bench: stor skole", kind=Site.Kind.SCHOOL,
                               calendar_token="bench-token")  # fmt: skip
    caretaker = get_user_model().objects.create(username="bench-caretaker")
    site.caretakers.add(caretaker)
    organisation = Organisation.objects.create(name="Bench-laget", category="voluntary")
    rooms = Room.objects.bulk_create(
        Room(site=site, name=f"Rom {n:02d}", capacity=30) for n in range(ROOMS)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(room=r, weekday=d, opens=dt.time(0), closes=dt.time(0))
        for r in rooms for d in range(7)
    )  # fmt: skip
    today = dt.datetime.now(OSLO).date()
    day = today + dt.timedelta(days=1)

    def at(d: dt.date, minutes: int) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(7), tzinfo=OSLO) + dt.timedelta(minutes=minutes)

    # 300 bookings tomorrow: six an hour-and-a-half apart in each of the 50 rooms.
    day_bookings = [
        Booking(room=rooms[n % ROOMS], organisation=organisation, booked_by=caretaker,
                start=at(day, 90 * (n // ROOMS)), end=at(day, 90 * (n // ROOMS) + 60),
                title=f"Økt {n}", attendees=10, status="confirmed", notes="Stoler i ring")
        for n in range(DAY_BOOKINGS)
    ]  # fmt: skip
    # 2,000 public bookings in the weeks after, in one room: the public feed's events.
    feed_room = rooms[0]
    feed_bookings = [
        Booking(room=feed_room, organisation=organisation, booked_by=caretaker,
                start=at(day + dt.timedelta(days=1 + n // 8), 90 * (n % 8)),
                end=at(day + dt.timedelta(days=1 + n // 8), 90 * (n % 8) + 60),
                title=f"Åpen økt {n}", attendees=10, status="confirmed", public=True)
        for n in range(FEED_EVENTS)
    ]  # fmt: skip
    Booking.objects.bulk_create(day_bookings + feed_bookings)
    token = Token.objects.create(user=caretaker).key
    gc.collect()
    gc.freeze()
    try:
        api = APIClient(SERVER_NAME="localhost")
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        web = Client(SERVER_NAME="localhost")
        web.force_login(caretaker)
        schedule_path = f"/api/v1/schedule/?site={site.pk}&date={day}"
        page_path = f"/caretaker/{site.pk}/{day}/"
        feed_path = f"/calendar/rooms/{feed_room.pk}.ics"
        with run.counting_queries() as queries:
            body = api.get(schedule_path).json()
        api_queries = len(queries)
        assert sum(len(r["bookings"]) for r in body["rooms"]) == DAY_BOOKINGS
        with run.counting_queries() as queries:
            assert web.get(page_path).content.count(b'class="run"') == DAY_BOOKINGS
        page_queries = len(queries)
        feed = web.get(feed_path).content
        events = feed.count(b"BEGIN:VEVENT")
        assert events >= FEED_EVENTS, events
        api_ms = run.timed_gets(api, schedule_path, RUNS)
        page_ms = run.timed_gets(web, page_path, RUNS)
        from django.core.cache import cache

        feed_cold = run.timed_gets(
            Client(SERVER_NAME="localhost"), feed_path, 20, before=cache.clear
        )
        feed_ms = run.timed_gets(Client(SERVER_NAME="localhost"), feed_path, 20)
    finally:
        Booking.objects.filter(room__site=site).delete()
        OpeningHours.objects.filter(room__site=site).delete()
        Room.objects.filter(site=site).delete()
        site.delete()
        organisation.delete()
        caretaker.delete()

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    def fig(ms):
        return f"{statistics.median(ms):.1f} / {load.percentile(ms, 95):.1f}"

    def row(label, ms, budget):
        return f"| {label}, p50 / p95 ms | {fig(ms)} | ≤ {budget} ms | " + (
            f"{met(load.percentile(ms, 95) <= budget)} |\n"
        )

    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/calendars.py), in-process, DEBUG off, {os.cpu_count()} cores.\n\n"
        "| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        + row(f"day schedule API, {ROOMS} rooms, {DAY_BOOKINGS} bookings, {RUNS} GETs",
              api_ms, BUDGET_DAY_MS)
        + f"| SQL queries for it (token authentication included) | {api_queries} "
        f"| ≤ {BUDGET_DAY_QUERIES} | {met(api_queries <= BUDGET_DAY_QUERIES)} |\n"
        + row(f"caretaker's day page, the same day, {RUNS} renders", page_ms, BUDGET_DAY_MS)
        + f"| SQL queries for the page (session and user included) | {page_queries} | | |\n"
        + row(f"room feed with {events} events, rendered (cache emptied first), 20 GETs",
              feed_cold, BUDGET_FEED_MS)
        + row("the same feed, unchanged since another client fetched it, 20 GETs", feed_ms,
              BUDGET_FEED_MS).rstrip("\n")
    )  # fmt: skip
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section("calendars.py", "The caretaker's day and the feeds", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
