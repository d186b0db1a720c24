"""What booking with a token costs in queries (issue 18), exactly, with each one named.

A booking made with a token (POST /api/v1/bookings/): 14 statements on PostgreSQL, where
it was 16 before the token check read the profile and the email state with the user
(13 on SQLite, was 15).
A room's day (GET /rooms/{id}/availability/): 7.
"""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.models import Booking
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

# On PostgreSQL: token with user, profile and email state; room; organisation; the
# membership check; opening hours; guidelines; savepoint; the organisation's and the
# room's queues; closures; price rules; the insert; the outbox row; release.
CREATE_POSTGRES = 14
# On SQLite there are no queues (the IMMEDIATE transaction serialises writers) and no
# exclusion constraint: it looks for a conflicting booking itself before the insert.
CREATE_SQLITE = 13
# Token with user; room; the week's bookings; opening hours; closures; groups; memberships.
AVAILABILITY = 7


def token_client(user) -> APIClient:
    client = APIClient()
    token, _made = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(people, start):
    return {
        "room": people.room.pk, "organisation": people.org_a.pk, "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(), "title": "Sjakk", "attendees": 8,
    }  # fmt: skip


def test_booking_with_a_token_costs_a_known_number_of_queries(people):
    client = token_client(people.alice)
    start = next_weekday_at(1, 18)
    with CaptureQueriesContext(connection) as queries:
        made = client.post("/api/v1/bookings/", body(people, start), format="json")
    assert made.status_code == 201, made.content
    expected = CREATE_POSTGRES if connection.vendor == "postgresql" else CREATE_SQLITE
    assert len(queries) == expected, [q["sql"][:80] for q in queries]
    assert not any("account_emailaddress" in q["sql"] and "token" not in q["sql"]
                   for q in queries)  # fmt: skip
    assert not any(q["sql"].startswith('SELECT "booking_profile"') for q in queries)


def test_a_rooms_day_costs_a_known_number_of_queries(people):
    client = token_client(people.alice)
    start = next_weekday_at(1, 18)
    for organisation, hour in [(people.org_a, 10), (people.org_b, 12), (people.org_b, 14)]:
        begins = start.replace(hour=hour)
        BookingFactory(room=people.room, organisation=organisation, booked_by=people.bob,
                       start=begins, end=begins + dt.timedelta(hours=1))  # fmt: skip
    day = start.date().isoformat()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/rooms/{people.room.pk}/availability/?from={day}&to={day}")
    assert response.status_code == 200
    assert len(queries) == AVAILABILITY, [q["sql"][:80] for q in queries]


def test_the_token_check_still_refuses_an_unconfirmed_address(people):
    EmailAddress.objects.create(user=people.bob, email=people.bob.email, verified=False)
    refused = token_client(people.bob).post(
        "/api/v1/bookings/", {**body(people, next_weekday_at(1, 18)),
                              "organisation": people.org_b.pk}, format="json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert not Booking.objects.exists()
    EmailAddress.objects.filter(user=people.bob).update(verified=True)
    made = token_client(people.bob).post(
        "/api/v1/bookings/", {**body(people, next_weekday_at(1, 18)),
                              "organisation": people.org_b.pk}, format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content


def test_a_bad_or_inactive_token_is_401(people):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get("/api/v1/me/").status_code == 401
    inactive = token_client(people.carl)
    people.carl.is_active = False
    people.carl.save()
    assert inactive.get("/api/v1/me/").status_code == 401
