"""Changing a booking on the web, and asking before anything is destroyed: a confirm
page (GET changes nothing and says what will happen) and the POST that does it."""

import datetime as dt

import pytest
from django.test import Client

from booking.models import Booking, BookingReport
from booking.series import series_create
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def booked(people):
    """Alice's booking Tuesday 18–20 in the room, and Bob's 20–22 right after it."""
    start = next_weekday_at(1, 18)
    mine = BookingFactory(
        room=people.room, organisation=people.org_a, booked_by=people.alice,
        start=start, end=start + dt.timedelta(hours=2), title="Sjakk", attendees=8,
    )  # fmt: skip
    BookingFactory(
        room=people.room, organisation=people.org_b, booked_by=people.bob,
        start=start + dt.timedelta(hours=2), end=start + dt.timedelta(hours=4), title="Korps",
    )  # fmt: skip
    people.booking = mine
    people.start = start
    return people


def change(booking, room, day, start, end, attendees=8, notes=""):
    return {
        "room": room.pk, "date": day.isoformat(), "start_time": start, "end_time": end,
        "attendees": attendees, "notes": notes,
    }  # fmt: skip


def test_the_change_page_shows_the_booking_as_it_is(booked):
    page = client_of(booked.alice).get(f"/bookings/{booked.booking.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="18:00"' in html and 'value="20:00"' in html
    detail = client_of(booked.alice).get(f"/bookings/{booked.booking.pk}/").content.decode()
    assert f"/bookings/{booked.booking.pk}/change/" in detail


def test_a_member_moves_a_booking_to_a_free_time_and_room(booked):
    other = RoomFactory(site=booked.room.site, name="Klasserom 3")
    data = change(booked.booking, other, booked.start.date(), "17:00", "19:30", 12, "Stoler")
    response = client_of(booked.alice).post(f"/bookings/{booked.booking.pk}/change/", data)
    assert response.status_code == 302
    booked.booking.refresh_from_db()
    assert booked.booking.room == other
    assert booked.booking.start == booked.start - dt.timedelta(hours=1)
    assert booked.booking.end == booked.start + dt.timedelta(hours=1, minutes=30)
    assert (booked.booking.attendees, booked.booking.notes) == (12, "Stoler")
    assert booked.booking.sequence == 1


def test_a_taken_time_shows_the_conflict_and_the_nearest_free_times(booked):
    data = change(booked.booking, booked.room, booked.start.date(), "20:00", "22:00")
    response = client_of(booked.alice).post(f"/bookings/{booked.booking.pk}/change/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict"' in html
    assert "Tiden er allerede opptatt" in html
    assert f"/bookings/{booked.booking.pk}/change/?room={booked.room.pk}&amp;start=" in html
    booked.booking.refresh_from_db()
    assert booked.booking.start == booked.start


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attendees", "0"),
        ("attendees", "mange"),
        ("date", "99999-01-01"),
        ("date", "9999-12-31"),
        ("start_time", "25:00"),
        ("end_time", ""),
        ("room", "999999"),
        ("room", "²"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(booked, field, value):
    data = change(booked.booking, booked.room, booked.start.date(), "17:00", "19:00")
    data[field] = value
    response = client_of(booked.alice).post(f"/bookings/{booked.booking.pk}/change/", data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode() or "errorlist" in (
        response.content.decode()
    )
    booked.booking.refresh_from_db()
    assert booked.booking.start == booked.start and booked.booking.sequence == 0


def test_a_rule_the_service_checks_is_an_error_on_the_form(booked):
    data = change(booked.booking, booked.room, booked.start.date(), "17:00", "19:00", 500)
    response = client_of(booked.alice).post(f"/bookings/{booked.booking.pk}/change/", data)
    assert response.status_code == 400
    booked.booking.refresh_from_db()
    assert booked.booking.attendees == 8


def test_only_those_who_may_change_see_the_page(booked):
    url = f"/bookings/{booked.booking.pk}/change/"
    assert Client().get(url).status_code == 302  # to the login
    assert client_of(booked.bob).get(url).status_code == 404
    data = change(booked.booking, booked.room, booked.start.date(), "16:00", "18:00")
    assert client_of(booked.bob).post(url, data).status_code == 404
    assert client_of(booked.olga).get(url).status_code == 200
    booked.booking.refresh_from_db()
    assert booked.booking.start == booked.start


def test_a_cancelled_booking_cannot_be_changed(booked):
    Booking.objects.filter(pk=booked.booking.pk).update(status="cancelled")
    url = f"/bookings/{booked.booking.pk}/change/"
    assert client_of(booked.alice).get(url).status_code == 302
    data = change(booked.booking, booked.room, booked.start.date(), "16:00", "18:00")
    client_of(booked.alice).post(url, data)
    booked.booking.refresh_from_db()
    assert booked.booking.start == booked.start


# Confirm before destroying


def test_asking_to_cancel_changes_nothing_and_posting_cancels(booked):
    client = client_of(booked.alice)
    url = f"/bookings/{booked.booking.pk}/cancel/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 booking vil bli avbestilt" in html
    assert f'action="{url}"' in html and 'method="post"' in html
    booked.booking.refresh_from_db()
    assert booked.booking.status == "confirmed"
    client.post(url)
    booked.booking.refresh_from_db()
    assert booked.booking.status == "cancelled"


@pytest.fixture
def season(people):
    room = RoomFactory(booking_horizon_days=800)
    first = next_weekday_at(1, 18)
    series_create(
        room=room, organisation=people.org_a, by=people.alice, weekdays=[1],
        start_time=dt.time(18), end_time=dt.time(20), first=first.date(),
        until=first.date() + dt.timedelta(weeks=26), title="Sjakk", attendees=8,
    )  # fmt: skip
    return list(Booking.objects.order_by("start"))


def test_asking_to_cancel_later_weeks_states_the_count_from_the_database(people, season):
    assert len(season) == 27
    Booking.objects.filter(pk=season[20].pk).update(status="cancelled")  # already gone
    client = client_of(people.alice)
    url = f"/bookings/{season[3].pk}/cancel/"
    page = client.get(url, {"following": "1"})
    html = page.content.decode()
    assert "23 bookinger vil bli avbestilt" in html
    assert 'name="following" value="1"' in html
    assert Booking.objects.filter(status="cancelled").count() == 1
    client.post(url, {"following": "1"})
    assert Booking.objects.filter(status="cancelled").count() == 24
    assert all(b.status == "confirmed" for b in Booking.objects.order_by("start")[:3])


def test_asking_to_cancel_is_refused_to_others(people, season):
    assert client_of(people.bob).get(f"/bookings/{season[0].pk}/cancel/").status_code == 404
    assert Booking.objects.filter(status="cancelled").count() == 0


def test_asking_for_a_new_calendar_link_keeps_the_old_one_until_posted(people):
    client = client_of(people.alice)
    url = f"/calendar/links/organisation/{people.org_a.pk}/new/"
    client.post(url)
    people.org_a.refresh_from_db()
    old = people.org_a.calendar_token
    assert old
    page = client.get(url)
    assert page.status_code == 200
    assert "slutter å virke med en gang" in page.content.decode()
    people.org_a.refresh_from_db()
    assert people.org_a.calendar_token == old
    client.post(url)
    people.org_a.refresh_from_db()
    assert people.org_a.calendar_token != old
    assert client_of(people.bob).get(url).status_code == 403


def test_asking_to_record_a_no_show_records_nothing_until_posted(people):
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=30)
    booking = BookingFactory(room=people.room, organisation=people.org_a, start=start)
    client = client_of(people.carl)
    page = client.get("/caretaker/report/", {"booking": booking.pk, "kind": "no_show"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ås Sjakklubb møtte ikke opp" in html
    assert BookingReport.objects.count() == 0
    client.post("/caretaker/report/", {"booking": booking.pk, "kind": "no_show"})
    assert BookingReport.objects.get().kind == "no_show"
    assert client_of(people.bob).get(
        "/caretaker/report/", {"booking": booking.pk, "kind": "no_show"}
    ).status_code in (403, 404)
