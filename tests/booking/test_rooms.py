"""Finding rooms and reading a room's week."""

import datetime as dt

import pytest

from booking.models import Closure
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, FacilityFactory, RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db

EVENINGS = [(d, dt.time(16), dt.time(22)) for d in range(5)]


def ids(response):
    assert response.status_code == 200, response.json()
    return {room["id"] for room in response.json()["results"]}


def q(value: dt.datetime) -> str:
    return value.isoformat().replace("+", "%2B")


def week_url(room, first: dt.date, more_days: int) -> str:
    last = first + dt.timedelta(days=more_days)
    return f"/api/v1/rooms/{room.pk}/availability/?from={first}&to={last}"


def test_filters_by_site_capacity_and_all_facilities(client):
    north, south = SiteFactory(name="Nordby skole"), SiteFactory(name="Sørby skole")
    projector, kitchen = FacilityFactory(slug="projector"), FacilityFactory(slug="kitchen")
    small = RoomFactory(site=north, capacity=10)
    big = RoomFactory(site=north, capacity=80)
    big.facilities.set([projector, kitchen])
    other = RoomFactory(site=south, capacity=40)
    other.facilities.set([projector])
    assert ids(client.get(f"/api/v1/rooms/?site={north.pk}")) == {small.pk, big.pk}
    assert ids(client.get("/api/v1/rooms/?min_capacity=40")) == {big.pk, other.pk}
    assert ids(client.get("/api/v1/rooms/?facility=projector")) == {big.pk, other.pk}
    assert ids(client.get("/api/v1/rooms/?facility=projector&facility=kitchen")) == {big.pk}


def test_free_filter_keeps_rooms_open_unbooked_and_unclosed_for_the_whole_interval(client):
    start = next_weekday_at(1, 18)  # a Tuesday evening
    end = start + dt.timedelta(hours=2)
    free = RoomFactory(hours=EVENINGS)
    booked = RoomFactory(hours=EVENINGS)
    BookingFactory(
        room=booked, start=start + dt.timedelta(hours=1), end=end + dt.timedelta(hours=1)
    )
    cancelled = RoomFactory(hours=EVENINGS)
    BookingFactory(room=cancelled, start=start, end=end, status="cancelled")
    closes_early = RoomFactory(hours=[(1, dt.time(16), dt.time(19))])
    closed = RoomFactory(hours=EVENINGS)
    Closure.objects.create(
        site=closed.site, start=start - dt.timedelta(days=1), end=end, reason="Eksamen"
    )
    weekends_only = RoomFactory(hours=[(5, dt.time(9), dt.time(21))])
    found = ids(client.get(f"/api/v1/rooms/?free_from={q(start)}&free_to={q(end)}"))
    assert found == {free.pk, cancelled.pk}
    assert not found & {booked.pk, closes_early.pk, closed.pk, weekends_only.pk}


def test_free_filter_reads_naive_times_as_oslo(client):
    start = next_weekday_at(1, 18)
    room = RoomFactory(hours=[(1, dt.time(18), dt.time(20))])
    naive = start.replace(tzinfo=None)
    url = f"/api/v1/rooms/?free_from={naive:%Y-%m-%dT%H:%M}&free_to={naive:%Y-%m-%d}T20:00"
    assert ids(client.get(url)) == {room.pk}


def test_week_availability_splits_open_time_into_free_and_busy(people, client):
    room = RoomFactory(hours=EVENINGS)
    monday = next_weekday_at(0, 18)
    people.org_b.in_directory = True  # listed: named beside its public booking
    people.org_b.save()
    BookingFactory(
        room=room,
        organisation=people.org_a,
        start=monday,
        end=monday + dt.timedelta(hours=2),
        title="Hemmelig styremøte",
    )
    BookingFactory(
        room=room,
        organisation=people.org_b,
        start=monday + dt.timedelta(days=1),
        end=monday + dt.timedelta(days=1, hours=1),
        title="Åpen konsert",
        public=True,
    )
    response = client.get(week_url(room, monday.date(), 6))
    assert response.status_code == 200
    days = response.json()
    assert [d["date"] for d in days] == [str(monday.date() + dt.timedelta(i)) for i in range(7)]
    mon, tue, sat = days[0], days[1], days[5]
    offset = monday.isoformat()[-6:]
    day = monday.date()
    assert mon["open"] == [{"start": f"{day}T16:00:00{offset}", "end": f"{day}T22:00:00{offset}"}]
    assert [(b["start"][11:16], b["end"][11:16]) for b in mon["busy"]] == [("18:00", "20:00")]
    assert [(f["start"][11:16], f["end"][11:16]) for f in mon["free"]] == [
        ("16:00", "18:00"),
        ("20:00", "22:00"),
    ]
    assert "title" not in mon["busy"][0] and "organisation" not in mon["busy"][0]
    assert tue["busy"][0]["title"] == "Åpen konsert"
    assert tue["busy"][0]["organisation"] == "Nordby Korps"
    assert sat["open"] == sat["free"] == sat["busy"] == []
    assert "Hemmelig" not in response.content.decode()


def test_week_availability_shows_a_closure_as_closed_not_free(client):
    room = RoomFactory(hours=EVENINGS)
    monday = next_weekday_at(0, 0)
    Closure.objects.create(
        room=room, start=monday, end=monday + dt.timedelta(days=2), reason="Maling"
    )
    days = client.get(week_url(room, monday.date(), 2)).json()
    assert days[0]["free"] == [] and days[1]["free"] == []
    assert days[0]["closed"][0]["reason"] == "Maling"
    assert len(days[2]["free"]) == 1
