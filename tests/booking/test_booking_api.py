import datetime as dt

import pytest

from booking.models import Booking
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def payload(room, start, hours=2, **extra):
    return {
        "room": room.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=hours)).isoformat(),
        "title": "Øvelse",
        "attendees": 12,
        **extra,
    }


def test_member_books_a_free_room_and_it_is_confirmed(people, client_for):
    start = next_weekday_at(1, 18)
    response = client_for(people.alice).post(
        "/api/v1/bookings/",
        payload(people.room, start, organisation=people.org_a.pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["start"] == start.isoformat()
    booking = Booking.objects.get()
    assert booking.organisation == people.org_a
    assert booking.booked_by == people.alice


def test_room_needing_approval_gives_pending_and_officer_approves(people, client_for):
    room = RoomFactory(requires_approval=True)
    start = next_weekday_at(2, 17)
    created = client_for(people.alice).post(
        "/api/v1/bookings/", payload(room, start, organisation=people.org_a.pk), format="json"
    )
    assert created.json()["status"] == "pending"
    pk = created.json()["id"]
    approved = client_for(people.olga).post(
        f"/api/v1/bookings/{pk}/approve/", {"note": "Velkommen"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "confirmed"
    assert approved.json()["decision_note"] == "Velkommen"


def test_overlap_is_409_with_the_interval_and_no_names(people, client_for):
    start = next_weekday_at(1, 18)
    first = client_for(people.alice).post(
        "/api/v1/bookings/",
        payload(people.room, start, organisation=people.org_a.pk),
        format="json",
    )
    assert first.status_code == 201
    second = client_for(people.bob).post(
        "/api/v1/bookings/",
        payload(people.room, start + dt.timedelta(hours=1), organisation=people.org_b.pk),
        format="json",
    )
    assert second.status_code == 409
    body = second.json()
    assert body["conflicts"] == [
        {"start": start.isoformat(), "end": (start + dt.timedelta(hours=2)).isoformat()}
    ]
    assert "Ås Sjakklubb" not in second.content.decode()
    assert Booking.objects.count() == 1


def test_cancel_keeps_the_row_and_frees_the_time(people, client_for):
    start = next_weekday_at(3, 18)
    alice = client_for(people.alice)
    pk = alice.post(
        "/api/v1/bookings/",
        payload(people.room, start, organisation=people.org_a.pk),
        format="json",
    ).json()["id"]
    cancelled = alice.delete(f"/api/v1/bookings/{pk}/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = client_for(people.bob).post(
        "/api/v1/bookings/",
        payload(people.room, start, organisation=people.org_b.pk),
        format="json",
    )
    assert again.status_code == 201
    assert Booking.objects.filter(status="cancelled").count() == 1
