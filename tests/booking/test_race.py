"""Concurrent requests for one room over real HTTP and real database connections."""

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from booking import services
from booking.db import ADD_OVERLAP_CONSTRAINT, DROP_OVERLAP_CONSTRAINT
from booking.models import Booking, PriceRule
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory, SiteFactory

CLIENTS = 20


pytestmark = pytest.mark.usefixtures("default_price_rules")


def _post(
    url: str, token: str, body: dict, barrier: threading.Barrier, method: str = "POST"
) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method=method,
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


def _hold_inserts_until_all_checked(expected: int = CLIENTS):
    """Hold every request at its insert (or update) until all ``expected`` are waiting.

    SHARE ROW EXCLUSIVE blocks INSERT and UPDATE but not SELECT (nor SELECT … FOR UPDATE):
    whatever a request has read, it read before any other wrote; when the lock lifts,
    only the database and the locks the requests hold decide.
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
            if waiting == expected:
                break
            time.sleep(0.01)
        locker.commit()
        locker.close()
        assert waiting == expected, f"only {waiting} requests reached the insert"

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


ROUNDS = 50


def _together(*requests, hold: bool = True) -> list[tuple[int, dict]]:
    """Send the requests at the same moment; with ``hold`` each is held at its write
    until all are there."""
    release = _hold_inserts_until_all_checked(len(requests)) if hold else None
    barrier = threading.Barrier(len(requests))
    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [
            pool.submit(_post, url, token, body, barrier, method)
            for method, url, token, body in requests
        ]
        if release is not None:
            release()
        return [f.result() for f in futures]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("decision", ["cancel", "reject"])
def test_a_change_racing_a_cancel_or_a_rejection_never_brings_the_booking_back(
    live_server, people, decision
):
    """PATCH and DELETE (or an officer's reject) at once, 50 rounds: whichever is first,
    the booking ends cancelled (or rejected), never pending or confirmed again. Every
    other round holds both at their write until both have read the booking."""
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")
    room = RoomFactory(requires_approval=decision == "reject")
    alice = Token.objects.create(user=people.alice).key
    olga = Token.objects.create(user=people.olga).key
    first = next_weekday_at(2, 0)
    api = f"{live_server.url}/api/v1/bookings"
    came_back, changes_applied = [], 0
    for n in range(ROUNDS):
        booking = services.booking_create(
            room=room, organisation=people.org_a, by=people.alice,
            start=first + dt.timedelta(hours=n), end=first + dt.timedelta(hours=n + 1),
            title="Øving", attendees=5,
        )  # fmt: skip
        change = ("PATCH", f"{api}/{booking.pk}/", alice, {"title": f"Endret {n}"})
        if decision == "cancel":
            ending = ("DELETE", f"{api}/{booking.pk}/", alice, {"reason": "Avlyst"})
        else:
            ending = ("POST", f"{api}/{booking.pk}/reject/", olga, {"note": "Opptatt"})
        (changed, _), (ended, body) = _together(change, ending, hold=n % 2 == 0)
        assert ended == 200, body
        assert changed in (200, 400)
        changes_applied += changed == 200
        booking.refresh_from_db()
        if booking.status != ("cancelled" if decision == "cancel" else "rejected"):
            came_back.append(n)
    print(f"{decision}: {changes_applied} of {ROUNDS} changes first; came back: {came_back}")
    assert came_back == []


def _cap_race(live_server, people, second: str) -> list[Booking]:
    """A verified voluntary organisation has 2 free hours a week at a site; it books 2 hours
    in one room and, at the same moment, 2 hours in another room of the site (made, booked
    weekly, or moved there from the next week). Returns that week's bookings."""
    PriceRule.objects.filter(name="Frivillige organisasjoner").update(free_hours_per_week=2)
    site = SiteFactory()
    room_1, room_2 = RoomFactory(site=site), RoomFactory(site=site)
    tuesday = next_weekday_at(1, 10, weeks=2)
    wednesday = tuesday + dt.timedelta(days=1)
    token = Token.objects.create(user=people.alice).key
    api = f"{live_server.url}/api/v1/bookings/"

    def body(room, start, **extra):
        return {
            "room": room.pk, "organisation": people.org_a.pk, "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(), "title": "Trening",
            "attendees": 5, **extra,
        }  # fmt: skip

    first = ("POST", api, token, body(room_1, tuesday))
    if second == "create":
        other = ("POST", api, token, body(room_2, wednesday))
    elif second == "series":
        weekly = {"weekdays": [wednesday.weekday()], "until": wednesday.date().isoformat()}
        other = ("POST", api, token, body(room_2, wednesday, recurrence=weekly))
    else:  # a booking of the next week moved into this one: priced again
        later = services.booking_create(
            room=room_2, organisation=people.org_a, by=people.alice,
            start=wednesday + dt.timedelta(weeks=1),
            end=wednesday + dt.timedelta(weeks=1, hours=2), title="Trening", attendees=5,
        )  # fmt: skip
        assert later.price == 0
        end = wednesday + dt.timedelta(hours=2)
        moved = {"start": wednesday.isoformat(), "end": end.isoformat()}
        other = ("PATCH", f"{api}{later.pk}/", token, moved)
    (first_status, _), (other_status, _) = results = _together(first, other)
    assert (first_status, other_status) == (201, 200 if second == "move" else 201), results
    week_end = tuesday + dt.timedelta(days=6)
    return list(Booking.objects.filter(start__gte=tuesday, start__lt=week_end).order_by("start"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["create", "series", "move"])
def test_two_rooms_booked_at_once_are_not_both_free_past_the_cap(live_server, people, second):
    """Each quote is made with the organisation's queue held: the second sees the first."""
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")
    week = _cap_race(live_server, people, second)
    assert sorted(b.price for b in week) == [Decimal(0), Decimal("1000.00")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_organisation_queue_both_are_free_past_the_cap(
    live_server, people, monkeypatch
):
    """The guard switched off: the room queues alone let both quotes see no other booking."""
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")
    room_queue_only = services.queue_for_room
    monkeypatch.setattr(services, "queue_for_organisation", lambda organisation_id: None)
    monkeypatch.setattr(
        services,
        "queue_for_room",
        lambda room_id, organisation_id=None: room_queue_only(room_id),
    )
    week = _cap_race(live_server, people, "create")
    print("without the organisation queue:", [str(b.price) for b in week])
    assert [b.price for b in week] == [Decimal(0), Decimal(0)]
