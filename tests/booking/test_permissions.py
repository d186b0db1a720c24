"""Who may do what with a booking: the named people × the actions, with what each leaves behind.

Another organisation's booking is a 404, never a 403 that confirms it exists.
"""

import datetime as dt

import pytest

from booking.models import Booking
from booking.services import booking_create
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/bookings/"
TITLE = "Sjakkturnering for juniorer"
ORG_A = "Ås Sjakklubb"  # the name the people fixture gives org_a


@pytest.fixture
def booking(people):
    """Org A's request for a room that needs approval: pending until an officer decides."""
    people.room.requires_approval = True
    people.room.save(update_fields=["requires_approval"])
    start = next_weekday_at(1, 18)
    created = booking_create(
        room=people.room,
        organisation=people.org_a,
        by=people.alice,
        start=start,
        end=start + dt.timedelta(hours=2),
        title=TITLE,
        attendees=12,
        notes="Nøkkel hentes hos vaktmester",
    )
    assert created.status == Booking.Status.PENDING
    return created


def snapshot(booking: Booking) -> dict:
    booking.refresh_from_db()
    return {f.attname: getattr(booking, f.attname) for f in Booking._meta.concrete_fields}


def do(client, action: str, pk: int):
    if action == "list":
        return client.get(BOOKINGS)
    if action == "read":
        return client.get(f"{BOOKINGS}{pk}/")
    if action == "change":
        return client.patch(f"{BOOKINGS}{pk}/", {"title": "Endret tittel"}, format="json")
    if action == "cancel":
        return client.delete(f"{BOOKINGS}{pk}/")
    if action == "approve":
        return client.post(f"{BOOKINGS}{pk}/approve/", {"note": "Ok"}, format="json")
    raise AssertionError(action)


# (actor, action) → status; for "list", whether the booking is among the results.
LISTED, NOT_LISTED = "listed", "not listed"
MATRIX = {
    "alice": {"list": LISTED, "read": 200, "change": 200, "cancel": 200, "approve": 403},
    "bob": {"list": NOT_LISTED, "read": 404, "change": 404, "cancel": 404, "approve": 404},
    "olga": {"list": LISTED, "read": 200, "change": 200, "cancel": 200, "approve": 200},
    "carl": {"list": LISTED, "read": 200, "change": 403, "cancel": 403, "approve": 403},
    "anon": {"list": 401, "read": 401, "change": 401, "cancel": 401, "approve": 401},
}


def matrix_params():
    for actor, row in MATRIX.items():
        for action, expected in row.items():
            yield pytest.param(actor, action, expected, id=f"{actor}-{action}")


@pytest.mark.parametrize(("actor", "action", "expected"), list(matrix_params()))
def test_permission_matrix(people, booking, client_for, actor, action, expected):
    user = getattr(people, actor)
    before = snapshot(booking)
    response = do(client_for(user), action, booking.pk)
    after = snapshot(booking)

    if action == "list":
        if expected in (LISTED, NOT_LISTED):
            assert response.status_code == 200, response.json()
            ids = [row["id"] for row in response.json()["results"]]
            assert (booking.pk in ids) == (expected == LISTED), ids
        else:
            assert response.status_code == expected
            assert TITLE not in response.content.decode()
        assert after == before
        return

    assert response.status_code == expected, response.content[:300]
    if response.status_code != 200:
        assert after == before, "a refused request changed the booking"
        assert TITLE not in response.content.decode()
        if response.status_code == 401:
            assert response["WWW-Authenticate"] == "Token"
        return

    body = response.json()
    assert body["id"] == booking.pk
    if action == "read":
        assert body["title"] == TITLE
        assert after == before
    elif action == "change":
        assert body["title"] == after["title"] == "Endret tittel"
        assert after["sequence"] == before["sequence"] + 1  # calendars take the new version
        untouched = set(before) - {"title", "updated_at", "sequence"}
        assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
    elif action == "cancel":
        assert body["status"] == after["status"] == Booking.Status.CANCELLED
        assert after["cancelled_by_id"] == user.pk
        assert after["title"] == TITLE
    elif action == "approve":
        assert body["status"] == after["status"] == Booking.Status.CONFIRMED
        assert after["decided_by_id"] == user.pk
        assert after["decision_note"] == "Ok"


def test_anonymous_cannot_book(people, client_for):
    start = next_weekday_at(1, 18)
    response = client_for(None).post(
        BOOKINGS,
        {
            "room": people.room.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
            "title": "Fest",
            "attendees": 10,
        },
        format="json",
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Booking.objects.exists()


def test_a_member_of_b_cannot_book_for_a(people, client_for):
    start = next_weekday_at(1, 18)
    response = client_for(people.bob).post(
        BOOKINGS,
        {
            "room": people.room.pk,
            "organisation": people.org_a.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
            "title": "I andres navn",
            "attendees": 10,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["organisation"]
    assert not Booking.objects.exists()


def test_a_member_of_b_sees_only_b_in_the_list(people, booking, client_for):
    own = BookingFactory(room=people.room, organisation=people.org_b, booked_by=people.bob)
    response = client_for(people.bob).get(BOOKINGS)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


def test_anyone_sees_sites_and_rooms(people, client_for):
    anon = client_for(None)
    sites = anon.get("/api/v1/sites/")
    rooms = anon.get("/api/v1/rooms/")
    assert sites.status_code == 200
    assert rooms.status_code == 200
    assert people.room.site.pk in [site["id"] for site in sites.json()["results"]]
    assert people.room.pk in [room["id"] for room in rooms.json()["results"]]


def availability(client, booking):
    day = booking.start.astimezone(OSLO).date().isoformat()
    response = client.get(f"/api/v1/rooms/{booking.room_id}/availability/?from={day}&to={day}")
    assert response.status_code == 200, response.json()
    (only_day,) = response.json()
    return response, only_day["busy"]


def test_availability_hides_a_private_booking_from_people_outside_its_organisation(
    people, booking, client_for
):
    expected = {
        "start": booking.start.astimezone(OSLO).isoformat(),
        "end": booking.end.astimezone(OSLO).isoformat(),
    }
    for outsider in (None, people.bob):
        response, busy = availability(client_for(outsider), booking)
        assert [{"start": b["start"], "end": b["end"]} for b in busy] == [expected]
        text = response.content.decode()
        assert TITLE not in text
        assert ORG_A not in text
        assert "booking" not in busy[0]

    _, busy = availability(client_for(people.alice), booking)
    assert busy[0]["title"] == TITLE
    assert busy[0]["organisation"] == ORG_A
    assert busy[0]["booking"] == booking.pk


def test_availability_shows_a_public_booking_to_anyone(people, booking, client_for):
    Booking.objects.filter(pk=booking.pk).update(public=True)
    _, busy = availability(client_for(None), booking)
    assert busy[0]["title"] == TITLE
    assert "organisation" not in busy[0]  # not listed in the directory: not named
    people.org_a.in_directory = True
    people.org_a.save()
    _, busy = availability(client_for(None), booking)
    assert busy[0]["organisation"] == ORG_A
    _, busy = availability(client_for(people.alice), booking)
    assert busy[0]["organisation"] == ORG_A


ME = {
    "alice": (["admin-of-a"], []),
    "bob": (["member-of-b"], []),
    "olga": ([], ["officer"]),
    "carl": ([], ["caretaker"]),
}


@pytest.mark.parametrize("who", list(ME))
def test_me_tells_who_is_signed_in(people, client_for, who):
    user = getattr(people, who)
    response = client_for(user).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    memberships = {
        "admin-of-a": {"id": people.org_a.pk, "name": ORG_A, "role": "admin"},
        "member-of-b": {"id": people.org_b.pk, "name": people.org_b.name, "role": "member"},
    }
    expected_orgs, expected_roles = ME[who]
    assert body["username"] == who
    assert body["name"] == user.get_full_name()
    assert body["language"] == "nb"
    assert body["roles"] == expected_roles
    assert body["organisations"] == [memberships[m] for m in expected_orgs]


def test_me_is_401_for_anonymous(client_for):
    response = client_for(None).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "username" not in response.json()
