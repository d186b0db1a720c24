"""The caretaker's day, reports back, the activity calendar and public overlaps."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import services
from booking.caretaking import booking_report
from booking.models import Booking, BookingReport, Profile
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory

pytestmark = pytest.mark.django_db


def web(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def todays(room, org, user, hour, title="Trening", minutes=60, **extra):
    start = dt.datetime.combine(timezone.localdate(), dt.time(hour), tzinfo=OSLO)
    return Booking.objects.create(
        room=room, organisation=org, booked_by=user, start=start,
        end=start + dt.timedelta(minutes=minutes), title=title, attendees=12,
        status="confirmed", **extra,
    )  # fmt: skip


def test_fifty_rooms_and_three_hundred_bookings_in_eight_queries(people):
    site = people.room.site
    rooms = [RoomFactory(site=site, name=f"Rom {n:02d}") for n in range(49)] + [people.room]
    day = timezone.localdate()
    Booking.objects.bulk_create(
        Booking(room=rooms[n % 50], organisation=people.org_a, booked_by=people.alice,
                start=dt.datetime.combine(day, dt.time(8 + n // 50 * 2), tzinfo=OSLO),
                end=dt.datetime.combine(day, dt.time(9 + n // 50 * 2), tzinfo=OSLO),
                title=f"Økt {n}", attendees=5, status="confirmed", notes="Stoler")
        for n in range(300)
    )  # fmt: skip
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()  # as a real client signs in: a token, read from the database
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people.carl).key}")
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/schedule/?site={site.pk}&date={day}")
    assert response.status_code == 200
    body = response.json()
    assert sum(len(r["bookings"]) for r in body["rooms"]) == 300 and len(body["rooms"]) == 50
    # token with its user, the site, may this user see it, rooms, bookings with contact,
    # caretakers' reports, equipment, closures
    assert len(queries) == 8, [q["sql"][:60] for q in queries]
    first = body["rooms"][0]["bookings"][0]
    assert first["notes"] == "Stoler" and first["contact_name"]


def test_caretakers_see_their_own_sites_officers_all(people, client_for):
    other = RoomFactory(name="Annen skole")
    path = f"/api/v1/schedule/?site={{}}&date={timezone.localdate()}"
    assert client_for(people.carl).get(path.format(people.room.site.pk)).status_code == 200
    assert client_for(people.carl).get(path.format(other.site.pk)).status_code == 403
    assert client_for(people.olga).get(path.format(other.site.pk)).status_code == 200
    assert client_for(people.alice).get(path.format(people.room.site.pk)).status_code == 403
    assert client_for(None).get(path.format(people.room.site.pk)).status_code in (401, 403)
    bad = client_for(people.olga).get("/api/v1/schedule/?site=x&date=2027-02-30")
    assert bad.status_code == 400 and {"site", "date"} <= set(bad.json())


def test_the_day_page_shows_contact_setup_and_closures_and_moves_by_day(people):
    Profile.objects.create(user=people.alice, phone="+47 911 22 333")
    todays(people.room, people.org_a, people.alice, 18, notes="Bord langs veggen")
    page = web(people.carl).get(f"/caretaker/{people.room.site.pk}/{timezone.localdate()}/")
    text = page.content.decode()
    assert "Ås Sjakklubb" in text and "+47 911 22 333" in text and "Bord langs veggen" in text
    assert "18:00–19:00" in text
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert f"/caretaker/{people.room.site.pk}/{tomorrow}/" in text
    assert web(people.carl).get("/caretaker/").status_code == 302
    assert web(people.alice).get("/caretaker/").status_code == 403
    assert (
        web(people.bob).get(f"/caretaker/{people.room.site.pk}/{timezone.localdate()}/").status_code
        == 403
    )


def test_no_show_once_started_once_only_and_seen_by_officers(people):
    now = timezone.now()
    started = Booking.objects.create(
        room=people.room, organisation=people.org_a, booked_by=people.alice,
        start=now - dt.timedelta(minutes=5), end=now + dt.timedelta(minutes=55),
        title="Trening", attendees=12, status="confirmed",
    )  # fmt: skip
    later = Booking.objects.create(
        room=people.room, organisation=people.org_b, booked_by=people.bob,
        start=now + dt.timedelta(hours=2), end=now + dt.timedelta(hours=3),
        title="Øvelse", attendees=12, status="confirmed",
    )  # fmt: skip
    carl = web(people.carl)
    for _ in range(2):
        carl.post(f"/caretaker/bookings/{started.pk}/report/", {"kind": "no_show"})
    assert BookingReport.objects.filter(booking=started, kind="no_show").count() == 1
    carl.post(f"/caretaker/bookings/{later.pk}/report/", {"kind": "no_show"})
    assert not BookingReport.objects.filter(booking=later).exists()
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        booking_report(booking=later, by=people.carl, kind="incident", note=" ")
    booking_report(booking=later, by=people.carl, kind="incident", note="Vindu knust")
    with pytest.raises(PermissionDenied):
        booking_report(booking=later, by=people.alice, kind="incident", note="x")
    form = carl.get(f"/caretaker/report/?booking={later.pk}")
    assert form.status_code == 200 and "Hva skjedde" in form.content.decode()
    assert web(people.alice).get(f"/caretaker/report/?booking={later.pk}").status_code == 403
    carl.post("/caretaker/report/", {"booking": later.pk, "kind": "incident", "note": "Lys på"})
    assert BookingReport.objects.filter(booking=later, kind="incident").count() == 2
    officer = web(people.olga)
    detail = officer.get(f"/bookings/{started.pk}/").content.decode()
    assert "Møtte ikke opp" in detail
    report = officer.get(f"/reports/support/?year={timezone.localdate().year}").content.decode()
    assert "Ås Sjakklubb: 1" in report


def test_the_activity_calendar_shows_public_events_without_people(people):
    club = OrganisationFactory(name="Ås Turlag", category="voluntary")
    people.org_a.in_directory = True  # listed: its name may be shown
    people.org_a.save()
    hidden = OrganisationFactory(name="Ikke Oppført Forening")  # not in the directory
    MembershipFactory(user=people.alice, organisation=hidden)
    start = next_weekday_at(2, 18)
    Profile.objects.create(user=people.alice, phone="+47 911 22 333")
    services.booking_create(room=people.room, organisation=people.org_a, by=people.alice,
                            start=start, end=start + dt.timedelta(hours=2),
                            title="Åpen sjakkveld", attendees=20, public=True)  # fmt: skip
    services.booking_create(room=people.room, organisation=people.org_a, by=people.alice,
                            start=start + dt.timedelta(days=1),
                            end=start + dt.timedelta(days=1, hours=2),
                            title="Lukket styremøte", attendees=5)  # fmt: skip
    services.booking_create(room=people.room, organisation=hidden, by=people.alice,
                            start=start + dt.timedelta(days=2),
                            end=start + dt.timedelta(days=2, hours=2),
                            title="Åpen dag", attendees=20, public=True)  # fmt: skip
    page = Client().get(f"/calendar/?week={start.date()}").content.decode()
    assert "Åpen sjakkveld" in page and "Ås Sjakklubb" in page and "18:00–20:00" in page
    assert "Åpen dag" in page  # its public booking, without the unlisted name
    for private in ("Lukket styremøte", "911 22 333", people.alice.email, "alice", hidden.name):
        assert private not in page
    filtered = Client().get(f"/calendar/?week={start.date()}&organiser=commercial")
    assert "Åpen sjakkveld" not in filtered.content.decode()
    assert club.name not in page


def test_a_public_booking_is_told_of_other_public_events_and_still_made(people, client_for):
    start = next_weekday_at(3, 18)
    other_room = RoomFactory(name="Kulturhuset")
    services.booking_create(room=other_room, organisation=people.org_b, by=people.bob,
                            start=start, end=start + dt.timedelta(hours=3),
                            title="Korpskonsert", attendees=30, public=True)  # fmt: skip
    services.booking_create(room=other_room, organisation=people.org_b, by=people.bob,
                            start=start + dt.timedelta(hours=3),
                            end=start + dt.timedelta(hours=4),
                            title="Rydding", attendees=5)  # fmt: skip
    body = {"room": people.room.pk, "organisation": people.org_a.pk,
            "start": (start + dt.timedelta(hours=1)).isoformat(),
            "end": (start + dt.timedelta(hours=4)).isoformat(), "title": "Sjakkturnering",
            "attendees": 20, "public": True}  # fmt: skip
    response = client_for(people.alice).post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 201
    overlaps = response.json()["public_overlaps"]
    assert [(o["title"], o["organisation"], o["room_name"]) for o in overlaps] == [
        ("Korpskonsert", "Nordby Korps", "Kulturhuset")
    ]
    page = web(people.alice).get(f"/bookings/{response.json()['id']}/")
    assert "Korpskonsert" in page.content.decode()
    private = client_for(people.alice).post("/api/v1/bookings/", {
        **body, "public": False, "start": (start + dt.timedelta(days=7)).isoformat(),
        "end": (start + dt.timedelta(days=7, hours=2)).isoformat()}, format="json")  # fmt: skip
    assert private.json()["public_overlaps"] == []
