"""The events API: anyone reads published events; members write theirs (400 naming each
field, nothing saved); officers hide."""

import datetime as dt

import pytest

from community import events as services
from community.models import Event
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory


@pytest.fixture
def api(people, client_for):
    start = next_weekday_at(2, 18)
    booking = BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                             start=start, end=start + dt.timedelta(hours=3))  # fmt: skip
    others = BookingFactory(room=RoomFactory(), organisation=people.org_b, booked_by=people.bob,
                            start=start, end=start + dt.timedelta(hours=3))  # fmt: skip
    return people, client_for, start, booking, others


def body(at, **extra):
    return {
        "organisation": at.organisation_id,
        "title": "Åpen sjakkveld",
        "booking": at.pk,
        "category": "recreation",
        "age_groups": ["all"],
        **extra,
    }


def test_members_publish_and_anyone_reads_published_events(api):
    people, client_for, start, booking, _others = api
    people.org_a.in_directory = True  # listed: named as the organiser
    people.org_a.save()
    made = client_for(people.alice).post("/api/v1/events/", body(booking), format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["start"] == booking.start.astimezone(dt.UTC).astimezone(start.tzinfo).isoformat()
    assert data["organisation_name"] == "Ås Sjakklubb" and data["room_name"] == "Aulaen"
    listed = client_for(None).get(f"/api/v1/events/?from={start.date()}&to={start.date()}")
    assert [e["title"] for e in listed.json()["results"]] == ["Åpen sjakkveld"]
    assert client_for(None).get("/api/v1/events/?category=sports").json()["results"] == []
    assert client_for(None).get(f"/api/v1/events/{data['id']}/").status_code == 200
    for private in ("created_by", "hidden_reason", "email", "phone"):
        assert private not in str(data.keys())


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": "x" * 100_000}, "title"),
        ({"title": 12345}, "title"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"age_groups": ["toddlers"]}, "age_groups"),
        ({"age_groups": []}, "age_groups"),
        ({"category": "nope"}, "category"),
        ({"start": "2027-03-28T02:30:00"}, "start"),  # the hour the clocks skip
        ({"booking": None}, "place"),
        ({"booking": 99999999}, "booking"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api, extra, field):
    people, client_for, _start, booking, _others = api
    response = client_for(people.alice).post("/api/v1/events/", body(booking, **extra),
                                             format="json")  # fmt: skip
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Event.objects.exists()


def test_another_organisations_booking_is_a_400_naming_booking(api):
    people, client_for, _start, booking, others = api
    response = client_for(people.alice).post(
        "/api/v1/events/", body(booking, booking=others.pk), format="json"
    )
    assert response.status_code == 400 and "booking" in response.json()
    response = client_for(people.alice).post(
        "/api/v1/events/",
        body(booking, end=(booking.start - dt.timedelta(hours=1)).isoformat(),
             start=booking.start.isoformat()), format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "end" in response.json()
    assert not Event.objects.exists()


def test_only_members_change_withdraw_and_only_officers_hide(api):
    people, client_for, _start, booking, _others = api
    event = services.event_create(organisation=people.org_a, by=people.alice, title="Sjakk",
                                  booking=booking, category="recreation",
                                  age_groups=["all"])  # fmt: skip
    path = f"/api/v1/events/{event.pk}/"
    assert client_for(people.bob).patch(path, {"title": "Kapret"}, format="json").status_code == 403
    assert client_for(None).patch(path, {"title": "Kapret"}, format="json").status_code == 401
    changed = client_for(people.alice).patch(path, {"title": "Lynsjakk"}, format="json")
    assert changed.status_code == 200 and changed.json()["sequence"] == 1
    bad = client_for(people.alice).patch(path, {"link": "ftp://x"}, format="json")
    assert bad.status_code == 400 and "link" in bad.json()
    hide = f"{path}hide/"
    assert client_for(people.alice).post(hide, {"reason": "x"}, format="json").status_code == 403
    assert client_for(people.olga).post(hide, {}, format="json").status_code == 400
    hidden = client_for(people.olga).post(hide, {"reason": "Feil sted"}, format="json")
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"
    # Hidden: others do not find it; its members still do.
    assert client_for(None).get(path).status_code == 404
    assert client_for(people.bob).patch(path, {"title": "x"}, format="json").status_code == 404
    assert client_for(people.alice).get(path).status_code == 200
    assert "Lynsjakk" not in client_for(None).get("/api/v1/events/").content.decode()
    assert client_for(people.bob).delete(path).status_code == 404
    assert client_for(people.alice).delete(path).status_code == 204
    assert not Event.objects.exists()


def test_list_parameters_are_read_strictly(api):
    _people, client_for, *_ = api
    for query, field in (
        ("from=2027-13-01", "from"),
        ("age_group=x", "age_group"),
        ("site=abc", "site"),
        ("from=2027-02-01&to=2027-01-01", "to"),
    ):
        response = client_for(None).get(f"/api/v1/events/?{query}")
        assert response.status_code == 400 and field in response.json(), query
