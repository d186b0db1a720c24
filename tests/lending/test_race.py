"""Ten people reserve the last units at once, over real HTTP and real connections."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from lending import services
from lending.models import Reservation
from tests.booking.test_race import _post
from tests.factories import UserFactory
from tests.lending.conftest import days_from_today

CLIENTS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race is about PostgreSQL's concurrency; SQLite serialises writers",
    ),
]


def _race(live_server, centre):
    """Each asks for 1 of the 3 tents over days that overlap everyone else's (day 3)."""
    tokens = [Token.objects.create(user=UserFactory()).key for _ in range(CLIENTS)]
    bodies = [
        {"item_type": centre.tent.pk, "quantity": 1,
         "start": days_from_today(1 + i % 3).isoformat(), "end": days_from_today(3).isoformat()}
        for i in range(CLIENTS)
    ]  # fmt: skip
    barrier = threading.Barrier(CLIENTS)
    url = f"{live_server.url}/api/v1/lending/reservations/"
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [
            pool.submit(_post, url, t, b, barrier) for t, b in zip(tokens, bodies, strict=True)
        ]
        return [f.result() for f in futures]


@pytest.fixture
def slow_check(monkeypatch):
    """Widen the window between reading the free units and writing the reservation, so
    that without the lock every request reads before any writes."""
    check = services._short_days

    def slowly(*args, **kwargs):
        found = check(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "_short_days", slowly)


def test_three_units_ten_requests_three_reservations(live_server, centre, slow_check):
    answers = _race(live_server, centre)
    statuses = sorted(code for code, _ in answers)
    assert statuses == [201] * 3 + [409] * 7, answers
    for code, body in answers:
        if code == 409:
            assert days_from_today(3).isoformat() in [c["date"] for c in body["conflicts"]]
            assert "Telt 4 personer" in body["detail"]
    assert sum(Reservation.objects.values_list("quantity", flat=True)) == 3


def test_without_the_lock_the_same_race_promises_more_than_there_is(
    live_server, centre, slow_check, monkeypatch
):
    monkeypatch.setattr(services, "lock_item_types", lambda ids: None)
    answers = _race(live_server, centre)
    booked = sum(1 for code, _ in answers if code == 201)
    assert booked > 3, answers  # the guard above is what holds the invariant
