"""The web pages without a browser: query budgets, permissions, login lockout, reset mail."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from booking import services
from booking.models import Booking
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, FacilityFactory, RoomFactory

pytestmark = pytest.mark.django_db

PAGE_QUERY_BUDGET = 10


def get(user, url, status=200):
    client = Client()
    if user is not None:
        client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response, len(queries)


@pytest.fixture
def crowded(people):
    """Many rooms with facilities, and many bookings: alice's, bob's, pending ones."""
    facilities = [FacilityFactory(slug=s, name_nb=s, name_en=s) for s in ("projector", "kitchen")]
    for _ in range(40):
        RoomFactory(site=people.room.site).facilities.set(facilities)
    monday = next_weekday_at(0, 8)
    for day in range(7):
        for hour in range(0, 14, 2):
            start = monday + dt.timedelta(days=day, hours=hour)
            BookingFactory(
                room=people.room,
                organisation=people.org_a if hour % 4 else people.org_b,
                booked_by=people.alice if hour % 4 else people.bob,
                start=start,
                end=start + dt.timedelta(hours=2),
                status="pending" if day % 2 else "confirmed",
            )
    return people


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("anon", "/rooms/"),
        ("alice", "/rooms/"),
        (
            "alice",
            "/rooms/?site={site}&min_capacity=5&facilities=projector&facilities=kitchen"
            "&date={date}&start_time=18:00&end_time=20:00",
        ),
        ("anon", "/rooms/{room}/"),
        ("bob", "/rooms/{room}/"),
        ("alice", "/rooms/{room}/book/"),
        ("alice", "/bookings/"),
        ("alice", "/bookings/{booking}/"),
        ("alice", "/bookings/{booking}/change/"),
        ("alice", "/bookings/{booking}/cancel/"),
        ("anon", "/accessibility/"),
        ("olga", "/approvals/"),
        ("olga", "/organisations/awaiting/"),
        ("olga", "/closures/new/"),
        ("olga", "/reports/support/?year={year}"),
        ("olga", "/messages/failed/"),
        ("anon", "/accounts/login/"),
    ],
)
def test_every_page_stays_within_its_query_budget(crowded, who, url):
    booking = Booking.objects.filter(organisation=crowded.org_a).first()
    url = url.format(
        site=crowded.room.site.pk,
        room=crowded.room.pk,
        booking=booking.pk,
        date=next_weekday_at(1, 0).date(),
        year=next_weekday_at(1, 0).year,
    )
    response, queries = get(getattr(crowded, who), url)
    assert queries <= PAGE_QUERY_BUDGET, f"{url}: {queries} queries"
    assert response.content.decode().count("<main") == 1


def test_week_view_shows_others_busy_time_without_names(crowded):
    response, _ = get(crowded.bob, f"/rooms/{crowded.room.pk}/?week={next_weekday_at(0, 0).date()}")
    page = response.content.decode()
    assert "Ås Sjakklubb" not in page  # alice's club, not public
    assert "Nordby Korps" in page  # bob's own bookings carry their organisation


def test_pages_for_members_and_officers_need_the_right_person(people):
    get(None, "/bookings/", status=302)
    get(people.alice, "/approvals/", status=403)
    start = next_weekday_at(1, 18)
    booking = services.booking_create(
        room=people.room,
        organisation=people.org_a,
        by=people.alice,
        start=start,
        end=start + dt.timedelta(hours=1),
        title="Styremøte",
        attendees=5,
    )
    get(people.bob, f"/bookings/{booking.pk}/", status=404)
    client = Client()
    client.force_login(people.bob)
    assert client.post(f"/bookings/{booking.pk}/cancel/").status_code == 404
    assert client.post(f"/approvals/{booking.pk}/", {"decision": "reject"}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_a_booking_form_error_names_the_field_and_saves_nothing(people):
    client = Client()
    client.force_login(people.alice)
    start = next_weekday_at(1, 3)  # 03:00: the room factory's room is open, so use a closed one
    room = RoomFactory(hours=[(1, dt.time(16), dt.time(22))])
    response = client.post(
        f"/rooms/{room.pk}/book/",
        {
            "organisation": people.org_a.pk,
            "date": start.date(),
            "start_time": "03:00",
            "end_time": "04:00",
            "title": "Natt",
            "attendees": 3,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["start_time"]
    assert Booking.objects.count() == 0


def test_the_dst_gap_in_the_form_is_an_error_on_the_start_field(people):
    client = Client()
    client.force_login(people.alice)
    response = client.post(
        f"/rooms/{people.room.pk}/book/",
        {
            "organisation": people.org_a.pk,
            "date": "2027-03-28",
            "start_time": "02:30",
            "end_time": "04:00",
            "title": "Natt",
            "attendees": 3,
        },
    )
    assert response.status_code == 400
    assert "start_time" in response.context["form"].errors
    assert Booking.objects.count() == 0


def test_web_login_is_locked_after_repeated_failures(people):
    client = Client()
    for _ in range(4):
        response = client.post("/accounts/login/", {"login": "alice", "password": "feil"})
        assert response.status_code == 200
    locked = client.post("/accounts/login/", {"login": "alice", "password": "feil"})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    # Even the right password waits until the lock lifts.
    right = client.post("/accounts/login/", {"login": "alice", "password": "secret-pass-123"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_token_endpoint_shares_the_lockout(people):
    client = APIClient()
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"username": "bob", "password": "feil"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"username": "bob", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 429
    assert "token" not in response.content.decode()


def test_token_endpoint_gives_a_token_for_the_right_password(people):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "bob", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_password_reset_sends_a_link_by_email(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_pending_series_is_one_request_in_the_queue_and_approved_at_once(people):
    import datetime as _dt

    from booking.series import series_create

    room = RoomFactory(requires_approval=True, booking_horizon_days=800)
    first = next_weekday_at(1, 18)
    series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[1],
        start_time=_dt.time(18), end_time=_dt.time(20), first=first.date(),
        until=first.date() + _dt.timedelta(weeks=9), title="Korpssesong", attendees=20,
    )  # fmt: skip
    response, queries = get(people.olga, "/approvals/")
    assert response.content.decode().count('class="card"') == 1  # one request, ten weeks
    assert queries <= PAGE_QUERY_BUDGET
    client = Client()
    client.force_login(people.olga)
    any_week = Booking.objects.filter(series__isnull=False).order_by("start")[3]
    client.post(f"/approvals/{any_week.pk}/", {"decision": "approve", "scope": "series"})
    assert set(Booking.objects.filter(room=room).values_list("status", flat=True)) == {"confirmed"}


def test_cancelling_this_and_later_weeks_on_the_web_keeps_the_earlier_ones(people):
    import datetime as _dt

    from booking.series import series_create

    room = RoomFactory(booking_horizon_days=800)
    first = next_weekday_at(1, 18)
    series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[1],
        start_time=_dt.time(18), end_time=_dt.time(20), first=first.date(),
        until=first.date() + _dt.timedelta(weeks=5), title="Sjakk", attendees=8,
    )  # fmt: skip
    weeks = list(Booking.objects.order_by("start"))
    client = Client()
    client.force_login(people.alice)
    page = client.get(f"/bookings/{weeks[3].pk}/").content.decode()
    assert 'name="following"' in page
    client.post(f"/bookings/{weeks[3].pk}/cancel/", {"following": "1"})
    statuses = list(Booking.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 3 + ["cancelled"] * 3


@pytest.fixture
def photographed(crowded):
    """The crowded rooms with two photos each, and a site with a location and facts."""
    from booking.models import Room
    from tests.photos import add_photo

    site = crowded.room.site
    site.latitude, site.longitude, site.lift = 59.9139, 10.7522, True
    site.description_nb = "Skolen ved fjorden."
    site.save()
    for room in Room.objects.all():
        add_photo(room, crowded.olga, size=(64, 48))
        add_photo(room, crowded.olga, alt="Inngangen", size=(48, 64))
    return crowded


@pytest.mark.parametrize("url", ["/rooms/", "/rooms/{room}/", "/api/v1/rooms/{room}/"])
def test_room_pages_with_photos_stay_within_the_query_budget(photographed, url):
    url = url.format(room=photographed.room.pk)
    response, queries = get(None, url)
    assert queries <= PAGE_QUERY_BUDGET, f"{url}: {queries} queries"
    assert "Rommet sett fra døra" in response.content.decode()
