"""Every field of a booking request, sent wrong, is a 400 naming the field — never a 500 —
and saves nothing. The same for the query strings of the read endpoints."""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from booking.models import Booking, Closure
from booking.services import booking_create
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
ROOMS = "/api/v1/rooms/"


@dataclass(frozen=True)
class Raw:
    """A request body sent as it is, not encoded as JSON by the test client."""

    text: str


@pytest.fixture
def scene(people):
    """people, plus a room open only Monday 16–22 and a room under a closure next Tuesday."""
    start = next_weekday_at(1, 18)
    evening_room = RoomFactory(name="Kveldsrom", hours=[(0, dt.time(16), dt.time(22))])
    closed_room = RoomFactory(name="Stengt rom")
    Closure.objects.create(
        room=closed_room,
        start=start - dt.timedelta(hours=6),
        end=start + dt.timedelta(hours=6),
        reason="Vedlikehold",
    )
    return SimpleNamespace(
        **vars(people), start=start, evening_room=evening_room, closed_room=closed_room
    )


def valid_body(s) -> dict:
    """A request that would be accepted; each case breaks exactly one thing in it."""
    return {
        "room": s.room.pk,
        "organisation": s.org_a.pk,
        "start": s.start.isoformat(),
        "end": (s.start + dt.timedelta(hours=2)).isoformat(),
        "title": "Øvelse",
        "attendees": 12,
        "children_and_youth": False,
        "public": False,
        "notes": "Rigg 12 stoler",
    }


def without(key):
    def change(body, s):
        del body[key]
        return body

    return change


def setting(**values):
    def change(body, s):
        body.update(values)
        return body

    return change


def moved(delta: dt.timedelta, hours: int = 2):
    """Start shifted by ``delta`` from the valid start, lasting ``hours``."""

    def change(body, s):
        start = s.start + delta
        body.update(start=start.isoformat(), end=(start + dt.timedelta(hours=hours)).isoformat())
        return body

    return change


def end_at(delta: dt.timedelta):
    def change(body, s):
        body["end"] = (s.start + delta).isoformat()
        return body

    return change


def start_in_the_past(body, s):
    start = dt.datetime.now(OSLO).replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    body.update(start=start.isoformat(), end=(start + dt.timedelta(hours=2)).isoformat())
    return body


def start_ten_years_ahead(body, s):
    start = s.start.replace(year=s.start.year + 10)
    body.update(start=start.isoformat(), end=(start + dt.timedelta(hours=2)).isoformat())
    return body


def other_organisation(body, s):
    body["organisation"] = s.org_b.pk
    return body


def unknown_room(body, s):
    body["room"] = s.closed_room.pk + 1000
    return body


def outside_opening_hours(body, s):
    monday = next_weekday_at(0, 12)
    body.update(
        room=s.evening_room.pk,
        start=monday.isoformat(),
        end=(monday + dt.timedelta(hours=2)).isoformat(),
    )
    return body


def over_a_closure(body, s):
    body["room"] = s.closed_room.pk
    return body


def as_list(body, s):
    return [body]


def malformed(body, s):
    return Raw('{"room": 1, "start": ')


LONG = "x" * 100_000

POST_CASES = [
    # A required field missing (organisation is optional: none means a private person).
    pytest.param(without("room"), "room", id="room-missing"),
    pytest.param(without("start"), "start", id="start-missing"),
    pytest.param(without("end"), "end", id="end-missing"),
    pytest.param(without("title"), "title", id="title-missing"),
    pytest.param(without("attendees"), "attendees", id="attendees-missing"),
    # Wrong types.
    pytest.param(setting(room="abc"), "room", id="room-string"),
    pytest.param(setting(room=[1]), "room", id="room-list"),
    pytest.param(setting(room=True), "room", id="room-bool"),
    pytest.param(setting(attendees=[12]), "attendees", id="attendees-list"),
    pytest.param(setting(attendees=12.5), "attendees", id="attendees-fraction"),
    pytest.param(setting(start={"date": "2027-01-14"}), "start", id="start-object"),
    pytest.param(setting(start="abc"), "start", id="start-abc"),
    pytest.param(setting(start=1_800_000_000), "start", id="start-number"),
    pytest.param(setting(end=None), "end", id="end-null"),
    pytest.param(setting(title=12345), "title", id="title-number"),
    pytest.param(setting(title=["Øvelse"]), "title", id="title-list"),
    pytest.param(setting(notes=42), "notes", id="notes-number"),
    pytest.param(setting(public="maybe"), "public", id="public-maybe"),
    pytest.param(setting(children_and_youth="maybe"), "children_and_youth", id="cay-maybe"),
    pytest.param(setting(organisation="A"), "organisation", id="organisation-string"),
    # Times out of order.
    pytest.param(end_at(dt.timedelta(hours=-1)), "end", id="end-before-start"),
    pytest.param(end_at(dt.timedelta(0)), "end", id="end-equals-start"),
    # Rooms and organisations that do not exist or are not yours.
    pytest.param(unknown_room, "room", id="room-unknown"),
    pytest.param(setting(room=10**30), "room", id="room-10e30"),
    pytest.param(setting(room=-1), "room", id="room-negative"),
    pytest.param(setting(organisation=10**30), "organisation", id="organisation-10e30"),
    pytest.param(other_organisation, "organisation", id="organisation-not-yours"),
    # The booking window.
    pytest.param(start_ten_years_ahead, "start", id="start-10-years-ahead"),
    pytest.param(start_in_the_past, "start", id="start-in-the-past"),
    # Attendees out of range (the room holds 30).
    pytest.param(setting(attendees=0), "attendees", id="attendees-0"),
    pytest.param(setting(attendees=-5), "attendees", id="attendees-negative"),
    pytest.param(setting(attendees=10_000), "attendees", id="attendees-over-capacity"),
    pytest.param(setting(attendees=10**20), "attendees", id="attendees-10e20"),
    # Text that is too long or not text.
    pytest.param(setting(title=LONG), "title", id="title-100k"),
    pytest.param(setting(notes=LONG), "notes", id="notes-100k"),
    pytest.param(setting(title="Øve\x00lse"), "title", id="title-nul"),
    pytest.param(setting(notes="Rigg\x00"), "notes", id="notes-nul"),
    # Europe/Oslo wall time that does not exist or happens twice.
    pytest.param(
        setting(start="2027-03-28T02:30", end="2027-03-28T04:00"), "start", id="start-dst-gap"
    ),
    pytest.param(
        setting(start="2027-10-31T02:30", end="2027-10-31T04:00"),
        "start",
        id="start-dst-ambiguous",
    ),
    pytest.param(
        setting(start="2027-03-28T01:00", end="2027-03-28T02:30"), "end", id="end-dst-gap"
    ),
    # Years a datetime library can hold but no booking can.
    pytest.param(setting(start="0001-01-01T10:00:00+01:00"), "start", id="start-year-1"),
    pytest.param(setting(start="0001-01-01T00:00"), "start", id="start-year-1-naive"),
    pytest.param(setting(end="9999-12-31T23:30:00+01:00"), "end", id="end-year-9999"),
    pytest.param(setting(end="9999-12-31T23:59:59-23:59"), "end", id="end-year-9999-west"),
    # The body's shape.
    pytest.param(as_list, "non_field_errors", id="body-is-a-list"),
    pytest.param(malformed, "detail", id="body-malformed-json"),
    # The room's rules.
    pytest.param(moved(dt.timedelta(minutes=15)), "start", id="start-off-the-30-minute-step"),
    pytest.param(end_at(dt.timedelta(minutes=100)), "end", id="end-off-the-30-minute-step"),
    pytest.param(outside_opening_hours, "start", id="outside-opening-hours"),
    pytest.param(over_a_closure, "start", id="over-a-closure"),
    pytest.param(end_at(dt.timedelta(hours=9)), "end", id="longer-than-the-maximum"),
]


def post(client, body):
    if isinstance(body, Raw):
        return client.post(BOOKINGS, body.text, content_type="application/json")
    return client.post(BOOKINGS, body, format="json")


def assert_names(response, *keys):
    """A 400 whose JSON body names exactly these keys, each with a message a person can read."""
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) == set(keys), body
    for key in keys:
        messages = body[key] if isinstance(body[key], list) else [body[key]]
        assert messages, body
        assert all(isinstance(m, str) and m.strip() for m in messages), body


def test_the_valid_body_is_accepted(scene, client_for):
    """The baseline: without this, every case below could be a 400 for another reason."""
    response = post(client_for(scene.alice), valid_body(scene))
    assert response.status_code == 201, response.json()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(("breaks", "field"), POST_CASES)
def test_a_bad_field_is_400_naming_it_and_saves_nothing(scene, client_for, breaks, field):
    before = Booking.objects.count()
    response = post(client_for(scene.alice), breaks(valid_body(scene), scene))
    assert_names(response, field)
    assert Booking.objects.count() == before


# --- PATCH ----------------------------------------------------------------------------


@pytest.fixture
def booked(scene):
    """Alice's booking next Tuesday 18–20, and bob's right after it, 20–22."""
    mine = booking_create(
        room=scene.room,
        organisation=scene.org_a,
        by=scene.alice,
        start=scene.start,
        end=scene.start + dt.timedelta(hours=2),
        title="Sjakkturnering",
        attendees=12,
    )
    theirs = booking_create(
        room=scene.room,
        organisation=scene.org_b,
        by=scene.bob,
        start=scene.start + dt.timedelta(hours=2),
        end=scene.start + dt.timedelta(hours=4),
        title="Korpsøvelse",
        attendees=20,
    )
    return SimpleNamespace(mine=mine, theirs=theirs)


def snapshot(booking: Booking) -> dict:
    booking.refresh_from_db()
    return {f.attname: getattr(booking, f.attname) for f in Booking._meta.concrete_fields}


PATCH_CASES = [
    pytest.param({"attendees": 0}, "attendees", id="attendees-0"),
    pytest.param({"attendees": 10_000}, "attendees", id="attendees-over-capacity"),
    pytest.param({"attendees": "many"}, "attendees", id="attendees-string"),
    pytest.param({"title": ""}, "title", id="title-empty"),
    pytest.param({"title": LONG}, "title", id="title-100k"),
    pytest.param({"title": "a\x00b"}, "title", id="title-nul"),
    pytest.param({"start": "2027-03-28T02:30"}, "start", id="start-dst-gap"),
    pytest.param({"room": 10**30}, "room", id="room-10e30"),
    pytest.param({"public": "maybe"}, "public", id="public-maybe"),
]


@pytest.mark.parametrize(("change", "field"), PATCH_CASES)
def test_a_bad_change_is_400_and_changes_nothing(scene, booked, client_for, change, field):
    before = snapshot(booked.mine)
    response = client_for(scene.alice).patch(f"{BOOKINGS}{booked.mine.pk}/", change, format="json")
    assert_names(response, field)
    assert snapshot(booked.mine) == before


def test_a_change_with_the_end_before_the_start_is_400_and_changes_nothing(
    scene, booked, client_for
):
    before = snapshot(booked.mine)
    earlier = scene.start - dt.timedelta(hours=1)
    response = client_for(scene.alice).patch(
        f"{BOOKINGS}{booked.mine.pk}/", {"end": earlier.isoformat()}, format="json"
    )
    assert_names(response, "end")
    assert snapshot(booked.mine) == before


def test_a_change_into_a_taken_time_is_409_with_the_conflict_and_changes_nothing(
    scene, booked, client_for
):
    before, theirs_before = snapshot(booked.mine), snapshot(booked.theirs)
    later = scene.start + dt.timedelta(hours=3)
    response = client_for(scene.alice).patch(
        f"{BOOKINGS}{booked.mine.pk}/",
        {"start": later.isoformat(), "end": (later + dt.timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 409, response.json()
    taken = scene.start + dt.timedelta(hours=2)
    assert response.json()["conflicts"] == [
        {"start": taken.isoformat(), "end": (taken + dt.timedelta(hours=2)).isoformat()}
    ]
    assert "Nordby Korps" not in response.content.decode()
    assert "Korpsøvelse" not in response.content.decode()
    assert snapshot(booked.mine) == before
    assert snapshot(booked.theirs) == theirs_before


# --- Query strings --------------------------------------------------------------------


def availability(s, query=""):
    return f"{ROOMS}{s.room.pk}/availability/{query}"


QUERY_CASES = [
    pytest.param(lambda s: f"{ROOMS}?min_capacity=abc", {"min_capacity"}, id="min-capacity-abc"),
    pytest.param(lambda s: f"{ROOMS}?min_capacity={10**30}", {"min_capacity"}, id="min-cap-huge"),
    pytest.param(lambda s: f"{ROOMS}?site=abc", {"site"}, id="site-abc"),
    pytest.param(lambda s: f"{ROOMS}?site={10**30}", {"site"}, id="site-10e30"),
    pytest.param(lambda s: f"{ROOMS}?facility=teleporter", {"facility"}, id="facility-unknown"),
    pytest.param(
        lambda s: f"{ROOMS}?free_from=2027-01-14T18:00:00%2B01:00", {"free_to"}, id="free-from-only"
    ),
    pytest.param(
        lambda s: f"{ROOMS}?free_to=2027-01-14T18:00:00%2B01:00", {"free_from"}, id="free-to-only"
    ),
    pytest.param(
        lambda s: f"{ROOMS}?free_from=2027-03-28T02:30&free_to=2027-03-28T04:00",
        {"free_from"},
        id="free-from-dst-gap",
    ),
    pytest.param(
        lambda s: f"{ROOMS}?free_from=2027-10-31T02:30&free_to=2027-10-31T04:00",
        {"free_from"},
        id="free-from-dst-ambiguous",
    ),
    pytest.param(
        lambda s: f"{ROOMS}?free_from=2027-01-14T18:00&free_to=2027-01-14T17:00",
        {"free_to"},
        id="free-to-before-free-from",
    ),
    pytest.param(
        lambda s: f"{ROOMS}?free_from=0001-01-01T00:00&free_to=0001-01-01T02:00",
        {"free_from", "free_to"},
        id="free-year-1",
    ),
    pytest.param(lambda s: availability(s), {"from", "to"}, id="availability-no-dates"),
    pytest.param(lambda s: availability(s, "?from=2027-01-14"), {"to"}, id="availability-no-to"),
    pytest.param(
        lambda s: availability(s, "?from=2027-01-14&to=2027-01-13"),
        {"to"},
        id="availability-to-before-from",
    ),
    pytest.param(
        lambda s: availability(s, "?from=2027-01-01&to=2028-02-05"),
        {"to"},
        id="availability-400-days",
    ),
    pytest.param(
        lambda s: availability(s, "?from=2027-13-45&to=2027-01-14"),
        {"from"},
        id="availability-month-13",
    ),
    pytest.param(
        lambda s: availability(s, "?from=0001-01-01&to=0001-01-02"),
        {"from", "to"},
        id="availability-year-1",
    ),
    pytest.param(
        lambda s: availability(s, "?from=9999-12-30&to=9999-12-31"),
        {"from", "to"},
        id="availability-year-9999",
    ),
    pytest.param(lambda s: f"{BOOKINGS}?room=abc", {"room"}, id="bookings-room-abc"),
    pytest.param(lambda s: f"{BOOKINGS}?status=maybe", {"status"}, id="bookings-status-unknown"),
    pytest.param(lambda s: f"{BOOKINGS}?after=yesterday", {"after"}, id="bookings-after-word"),
    pytest.param(
        lambda s: f"{BOOKINGS}?before=2027-03-28T02:30", {"before"}, id="bookings-before-dst-gap"
    ),
]


@pytest.mark.parametrize(("url", "keys"), QUERY_CASES)
def test_a_bad_query_parameter_is_400_naming_it(scene, client_for, url, keys):
    response = client_for(scene.alice).get(url(scene))
    assert_names(response, *keys)


def test_the_query_parameters_work_when_they_are_right(scene, booked, client_for):
    """The baseline for the query cases: the same endpoints answer 200 to good input."""
    alice = client_for(scene.alice)

    def free_rooms(hours_after_start):
        start = scene.start + dt.timedelta(hours=hours_after_start)
        end = start + dt.timedelta(hours=1)
        query = {"min_capacity": 10, "free_from": start.isoformat(), "free_to": end.isoformat()}
        response = alice.get(ROOMS, query)
        assert response.status_code == 200, response.json()
        return {room["id"] for room in response.json()["results"]}

    assert scene.room.pk not in free_rooms(0)  # alice's booking is there
    assert scene.room.pk in free_rooms(5)
    day = scene.start.date().isoformat()
    days = alice.get(availability(scene, f"?from={day}&to={day}"))
    assert days.status_code == 200, days.json()
    assert len(days.json()) == 1
    assert len(days.json()[0]["busy"]) == 2
