"""List endpoints make the same number of queries for 1 row and for 100."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, FacilityFactory, RoomFactory
from tests.photos import add_photo

pytestmark = pytest.mark.django_db


def count_queries(user, url: str, show=False) -> int:
    """Queries of one request, signed in by session as a browser would be (or anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    if show:
        print("\n".join(q["sql"][:150] for q in queries.captured_queries))
    return len(queries)


def make_rooms(n: int, site, photographer=None):
    facilities = [FacilityFactory(slug="projector"), FacilityFactory(slug="kitchen")]
    for i in range(n):
        room = RoomFactory(site=site)
        room.facilities.set(facilities)
        if photographer is not None and i < 10:
            add_photo(room, photographer, size=(64, 48))
            add_photo(room, photographer, size=(64, 48))


def test_room_list(people):
    client = people.alice
    one = count_queries(client, "/api/v1/rooms/")
    make_rooms(99, people.room.site, photographer=people.olga)
    hundred = count_queries(client, "/api/v1/rooms/")
    # session, user, count, rooms with their sites, facilities, photos
    assert one == hundred == 6


def test_room_list_free_filter(people):
    client = None
    start = next_weekday_at(1, 18)
    url = (
        f"/api/v1/rooms/?free_from={start.isoformat()}"
        f"&free_to={(start + dt.timedelta(hours=2)).isoformat()}"
    ).replace("+", "%2B")
    one = count_queries(client, url)
    make_rooms(99, people.room.site, photographer=people.olga)
    # count, rooms with their sites, facilities, photos
    assert count_queries(client, url) == one == 4


def make_bookings(n: int, room, organisation, user, first_start):
    for i in range(n):
        start = first_start + dt.timedelta(minutes=30 * i)
        BookingFactory(
            room=room,
            organisation=organisation,
            booked_by=user,
            start=start,
            end=start + dt.timedelta(minutes=30),
        )


def test_booking_list(people):
    client = people.alice
    start = next_weekday_at(0, 8)
    make_bookings(1, people.room, people.org_a, people.alice, start)
    one = count_queries(client, "/api/v1/bookings/")
    make_bookings(99, people.room, people.org_a, people.alice, start + dt.timedelta(days=1))
    hundred = count_queries(client, "/api/v1/bookings/")
    # session, user, groups, memberships, count, bookings with room, site, organisation, user
    assert one == hundred == 6


def test_week_availability(people):
    client = people.bob
    monday = next_weekday_at(0, 0)
    url = (
        f"/api/v1/rooms/{people.room.pk}/availability/"
        f"?from={monday.date()}&to={monday.date() + dt.timedelta(days=6)}"
    )
    make_bookings(1, people.room, people.org_a, people.alice, monday)
    first = count_queries(client, url)  # reads the room's facts (booking/facts.py)
    one = count_queries(client, url)
    make_bookings(99, people.room, people.org_a, people.alice, monday + dt.timedelta(days=1))
    hundred = count_queries(client, url)
    # session, user, the facts version, bookings with organisations, and (to decide
    # what bob may see) groups, memberships; the first time also the room, its opening
    # hours and closures
    assert one == hundred == 6
    assert first == one + 3
