"""Concurrent requests for one room over real HTTP and real database connections."""

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from booking.db import ADD_OVERLAP_CONSTRAINT, DROP_OVERLAP_CONSTRAINT
from booking.models import Booking
from tests.conftest import next_weekday_at

CLIENTS = 20


pytestmark = pytest.mark.usefixtures("default_price_rules")


def _post(url: str, token: str, body: dict, barrier: threading.Barrier) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, {"unparsed": text.decode(errors="replace")[-2000:]}


def _race(live_server, people, *, hold_inserts=False) -> list[tuple[int, dict]]:
    """CLIENTS members ask for overlapping times in one room at the same moment."""
    token = Token.objects.create(user=people.alice).key
    release = _hold_inserts_until_all_checked() if hold_inserts else None
    start = next_weekday_at(2, 18)
    bodies = [
        {
            "room": people.room.pk,
            "organisation": people.org_a.pk,
            # Every request overlaps every other: all cover 19:00–20:00.
            "start": (start + dt.timedelta(minutes=30 * (i % 3))).isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
            "title": f"Forsøk {i}",
            "attendees": 5,
        }
        for i in range(CLIENTS)
    ]
    barrier = threading.Barrier(CLIENTS)
    url = f"{live_server.url}/api/v1/bookings/"
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(_post, url, token, body, barrier) for body in bodies]
        if release is not None:
            release()
        return [f.result() for f in futures]


def _hold_inserts_until_all_checked():
    """Hold every request at its insert until all of them are there.

    SHARE ROW EXCLUSIVE blocks INSERT but not SELECT: whatever a request has read, it
    read a free room; when the lock lifts, only the database can stop the inserts.
    """
    import psycopg

    locker = psycopg.connect(**connection.get_connection_params())
    cursor = locker.cursor()
    cursor.execute("LOCK TABLE booking_booking IN SHARE ROW EXCLUSIVE MODE")

    def release():
        deadline = time.monotonic() + 30
        waiting = 0
        while time.monotonic() < deadline:
            # One waits for the table, the others queue behind it for the room (the
            # advisory lock that keeps writers to one room from deadlocking).
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            waiting = cursor.fetchone()[0]
            if waiting == CLIENTS:
                break
            time.sleep(0.05)
        locker.commit()
        locker.close()
        assert waiting == CLIENTS, f"only {waiting} requests reached the insert"

    return release


def _assert_one_winner(results):
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (CLIENTS - 1), statuses
    winner = next(body for status, body in results if status == 201)
    for status, body in results:
        if status == 409:
            assert body["conflicts"] == [{"start": winner["start"], "end": winner["end"]}]
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_one_wins(live_server, people):
    _assert_one_winner(_race(live_server, people))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_stops_what_the_check_let_through(live_server, people):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    results = _race(live_server, people, hold_inserts=True)
    _assert_one_winner(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_constraint_the_same_race_double_books(live_server, people):
    """The guard switched off: the check alone lets overlapping bookings in."""
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(DROP_OVERLAP_CONSTRAINT)
    try:
        results = _race(live_server, people, hold_inserts=True)
        created = [status for status, _ in results if status == 201]
        print(f"without the constraint: {len(created)} of {CLIENTS} requests booked")
        assert len(created) > 1
        assert Booking.objects.count() == len(created)
    finally:
        Booking.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(ADD_OVERLAP_CONSTRAINT)
