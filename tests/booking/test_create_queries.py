"""What booking with a token costs in queries (issue 18), exactly, with each one named.

A booking made with a token (POST /api/v1/bookings/), the room's facts kept by the
process (booking/facts.py): 9 statements on PostgreSQL and on SQLite, where it was 14
and 13 before the facts were kept and the token check read the person's organisations
and roles (16 and 15 before it read the profile and the email state).
The first booking after the room's facts changed reads them: 5 more.
A room's day (GET /rooms/{id}/availability/): 3 with the facts kept (was 7), 7 after a
change.
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

# On PostgreSQL: token with user, profile, email state, organisations and roles; the
# facts version; organisation; savepoint; the organisation's and the room's queues (one
# statement); the facts version again, with the queues held; the insert; the outbox row;
# release.
CREATE_POSTGRES = 9
# On SQLite there are no queues (the IMMEDIATE transaction serialises writers) and no
# exclusion constraint: it looks for a conflicting booking itself before the insert.
CREATE_SQLITE = 9
# After a change to the facts: the room with its site, opening hours, closures and
# guidelines (read under the first version read), and the active price rules.
FACTS_READ = 5
# Token with user and roles; the facts version; the week's bookings.
AVAILABILITY = 3
# After a change: the room with its site, opening hours and closures.
AVAILABILITY_FACTS_READ = 3


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


def _post_counted(client, people, start):
    with CaptureQueriesContext(connection) as queries:
        made = client.post("/api/v1/bookings/", body(people, start), format="json")
    assert made.status_code == 201, made.content
    return [q["sql"] for q in queries]


def test_booking_with_a_token_costs_a_known_number_of_queries(people):
    client = token_client(people.alice)
    start = next_weekday_at(1, 18)
    first = _post_counted(client, people, start)  # reads the facts the fixture just wrote
    second = _post_counted(client, people, start + dt.timedelta(hours=2))
    expected = CREATE_POSTGRES if connection.vendor == "postgresql" else CREATE_SQLITE
    assert len(second) == expected, [q[:80] for q in second]
    assert len(first) == expected + FACTS_READ, [q[:80] for q in first]
    assert not any('"booking_room"' in q or '"booking_pricerule"' in q for q in second)
    assert not any("account_emailaddress" in q and "token" not in q for q in second)
    assert not any(q.startswith('SELECT "booking_profile"') for q in second)
    assert not any(q.startswith('SELECT "booking_membership"') for q in second)


def test_a_change_to_the_facts_is_read_by_the_next_booking(people):
    client = token_client(people.alice)
    start = next_weekday_at(1, 18)
    _post_counted(client, people, start)
    people.room.capacity = 5  # an update() or the admin does the same: a trigger sees it
    people.room.save()
    refused = client.post(
        "/api/v1/bookings/", body(people, start + dt.timedelta(hours=2)), format="json"
    )
    assert refused.status_code == 400
    assert "attendees" in refused.json()


def test_a_rooms_day_costs_a_known_number_of_queries(people):
    client = token_client(people.alice)
    start = next_weekday_at(1, 18)
    for organisation, hour in [(people.org_a, 10), (people.org_b, 12), (people.org_b, 14)]:
        begins = start.replace(hour=hour)
        BookingFactory(room=people.room, organisation=organisation, booked_by=people.bob,
                       start=begins, end=begins + dt.timedelta(hours=1))  # fmt: skip
    day = start.date().isoformat()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                f"/api/v1/rooms/{people.room.pk}/availability/?from={day}&to={day}"
            )
        assert response.status_code == 200
        counts.append([q["sql"][:80] for q in queries])
    assert len(counts[1]) == AVAILABILITY, counts[1]
    assert len(counts[0]) == AVAILABILITY + AVAILABILITY_FACTS_READ, counts[0]
    busy = response.json()[0]["busy"]
    # alice sees her organisation's booking named, the others only as time
    assert [("title" in b) for b in busy] == [True, False, False]


def test_the_token_check_reads_roles_and_organisations_as_roles_does(people):
    start = next_weekday_at(1, 18)
    BookingFactory(room=people.room, organisation=people.org_b, booked_by=people.bob,
                   start=start, end=start + dt.timedelta(hours=1))  # fmt: skip
    day = f"?from={start.date()}&to={start.date()}"
    seen = {}
    for user in (people.alice, people.olga, people.carl, people.bob):
        response = token_client(user).get(f"/api/v1/rooms/{people.room.pk}/availability/{day}")
        seen[user.username] = "title" in response.json()[0]["busy"][0]
    # bob's organisation's; the officer sees all; alice (another organisation) and carl
    # (the caretaker, who sees titles on his own pages only) see only the time
    assert seen == {"alice": False, "olga": True, "carl": False, "bob": True}
    refused = token_client(people.alice).post(
        "/api/v1/bookings/", {**body(people, start + dt.timedelta(hours=3)),
                              "organisation": people.org_b.pk}, format="json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert "organisation" in refused.json()
    for_b = token_client(people.olga).post(
        "/api/v1/bookings/", {**body(people, start + dt.timedelta(hours=3)),
                              "organisation": people.org_b.pk}, format="json",
    )  # fmt: skip
    assert for_b.status_code == 201, for_b.content


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
