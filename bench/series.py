"""A 40-week series previewed and created through the API, server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/series.py

Runs after bench/run.py on its database (`lokale_bench`, 100,000 bookings present),
in-process with Django's test client: routing, authentication, the service and the
database, without network. Each round uses a fresh room; the rows are removed after.
"""

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import report
import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OSLO = ZoneInfo("Europe/Oslo")
ROUNDS = 20
WEEKS = 40
BUDGET_MS = 1000


def main() -> int:
    run.setup_django_as_production()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from booking.models import (
        Booking,
        BookingSeries,
        Membership,
        OpeningHours,
        Organisation,
        Room,
        Site,
    )

    site = Site.objects.create(name="Bench: sesong", kind=Site.Kind.SCHOOL)
    organisation = Organisation.objects.create(
        name="Sesonglaget", category="voluntary", voluntary_verified=True
    )
    user = get_user_model().objects.create(username="bench-series")
    Membership.objects.create(user=user, organisation=organisation)
    token = Token.objects.create(user=user)
    client = Client(headers={"Authorization": f"Token {token.key}"}, SERVER_NAME="localhost")
    today = dt.datetime.now(OSLO).date()
    first = today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)  # a Tuesday ahead
    timings = {"preview": [], "create": []}
    queries = {}
    rooms = []
    try:
        for round_ in range(ROUNDS):
            room = Room.objects.create(site=site, name=f"Rom {round_}", capacity=40)
            rooms.append(room)
            OpeningHours.objects.bulk_create(
                OpeningHours(room=room, weekday=d, opens=dt.time(8), closes=dt.time(23))
                for d in range(7)
            )
            body = {
                "room": room.pk, "organisation": organisation.pk,
                "start": f"{first}T18:00", "end": f"{first}T20:00", "title": "Sesong",
                "attendees": 20,
                "recurrence": {
                    "weekdays": [1], "until": str(first + dt.timedelta(weeks=WEEKS - 1))
                },
            }  # fmt: skip
            for kind, extra, status in (("preview", {"preview": True}, 200), ("create", {}, 201)):
                counted = []

                def count(execute, sql, params, many, context, counted=counted):
                    counted.append(sql)
                    return execute(sql, params, many, context)

                began = time.perf_counter()
                with connection.execute_wrapper(count):
                    response = client.post(
                        "/api/v1/bookings/", json.dumps({**body, **extra}),
                        content_type="application/json",
                    )  # fmt: skip
                timings[kind].append((time.perf_counter() - began) * 1000)
                assert response.status_code == status, response.content[:300]
                queries[kind] = len(counted)
            assert Booking.objects.filter(room=room).count() == WEEKS
    finally:
        Booking.objects.filter(room__in=rooms).delete()
        BookingSeries.objects.filter(room__in=rooms).delete()
        for room in rooms:
            room.delete()
        site.delete()
        token.delete()
        Membership.objects.filter(user=user).delete()
        organisation.delete()
        user.delete()
    lines = []
    for kind in ("preview", "create"):
        values = sorted(timings[kind][1:])  # the first round warms up
        p50, worst = statistics.median(values), values[-1]
        met = "yes" if worst <= BUDGET_MS else "**no**"
        lines.append(
            f"| {WEEKS}-week series, {kind}, {ROUNDS - 1} requests, p50 / max ms | "
            f"{p50:.0f} / {worst:.0f} | < {BUDGET_MS} ms | {met} |"
        )
        lines.append(f"| SQL queries for one {kind} | {queries[kind]} | constant | |")
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/series.py), in-process, DEBUG off, {os.cpu_count()} cores, 100,000 bookings "
        "present.\n\n| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        + "\n".join(lines)
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section("series.py", "A season's weekly series", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
