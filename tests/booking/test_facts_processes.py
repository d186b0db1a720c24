"""A room's facts kept per process (booking/facts.py), across processes (issue 18).

gunicorn serves the test database in a process of its own, keeping the facts between
requests as in production; this process changes a price rule, the opening hours or a
closure (committed, through the ORM as the admin does), and the server's next booking
obeys the change. On PostgreSQL a control shows that the server does keep the facts:
with the room's trigger switched off for a moment, a change is not seen by it.
"""

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.db import connection
from rest_framework.authtoken.models import Token

from booking.models import Closure, OpeningHours, PriceRule
from booking.services import opening_hours_set
from tests.conftest import next_weekday_at
from tests.notifications.servers import database_url, free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server(transactional_db, tmp_path):
    """gunicorn, one sync worker (one process, so one set of kept facts)."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url(connection.settings_dict),
        "LOKALE_PAYMENT_BACKEND": "",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (our own arguments)
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
         "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def answers():
        try:
            return requests.get(f"http://127.0.0.1:{port}/api/v1/sites/", timeout=10).ok
        except requests.RequestException:
            return False

    try:
        wait_for(answers, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def book(server, people, start, hours=1):
    token, _made = Token.objects.get_or_create(user=people.alice)
    return requests.post(
        f"{server}/api/v1/bookings/",
        json={
            "room": people.room.pk,
            "organisation": people.org_a.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=hours)).isoformat(),
            "title": "Sjakk",
            "attendees": 8,
        },
        headers={"Authorization": f"Token {token.key}"},
        timeout=30,
    )


def test_a_price_rule_made_here_prices_the_next_booking_there(server, people):
    start = next_weekday_at(1, 17)
    first = book(server, people, start)
    assert first.status_code == 201, first.text
    before = Decimal(first.json()["price"])
    PriceRule.objects.create(
        name="Kveldspris", order=0, effect=PriceRule.Effect.HOURLY_PRICE,
        hourly_price=Decimal(123), reason_nb="Kveld", reason_en="Evening",
    )  # fmt: skip
    second = book(server, people, start + dt.timedelta(hours=1))
    assert second.status_code == 201, second.text
    assert Decimal(second.json()["price"]) == Decimal("123.00") != before


def test_opening_hours_changed_here_are_obeyed_there(server, people):
    start = next_weekday_at(1, 17)
    assert book(server, people, start).status_code == 201
    opening_hours_set(room=people.room, windows=[(d, dt.time(8), dt.time(16)) for d in range(7)])
    refused = book(server, people, start + dt.timedelta(hours=2))
    assert refused.status_code == 400, refused.text
    assert "start" in refused.json()


def test_a_closure_made_here_is_obeyed_there(server, people):
    start = next_weekday_at(1, 17)
    assert book(server, people, start).status_code == 201
    later = start + dt.timedelta(hours=2)
    Closure.objects.create(room=people.room, start=later, end=later + dt.timedelta(hours=3),
                           reason="Vannlekkasje")  # fmt: skip
    refused = book(server, people, later)
    assert refused.status_code == 400, refused.text
    assert "Vannlekkasje" in refused.text


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_control_without_the_trigger_the_server_keeps_what_it_read(server, people):
    """Shows that the answers above come from the trigger, not from reading every time."""
    start = next_weekday_at(1, 17)
    assert book(server, people, start).status_code == 201
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE booking_openinghours DISABLE TRIGGER booking_openinghours_facts"
        )
    try:
        OpeningHours.objects.filter(room=people.room).update(closes=dt.time(16))
        kept = book(server, people, start + dt.timedelta(hours=2))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE booking_openinghours ENABLE TRIGGER booking_openinghours_facts"
            )
    assert kept.status_code == 201, kept.text  # stale: it still knew the old hours
    OpeningHours.objects.filter(room=people.room).update(closes=dt.time(16))  # trigger on
    assert book(server, people, start + dt.timedelta(hours=4)).status_code == 400
