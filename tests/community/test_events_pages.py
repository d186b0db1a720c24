"""Event pages, the activity calendar and its feed: bookings and events together, hidden
events nowhere public, text escaped, no person named, and queries that do not grow."""

import datetime as dt

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking.models import Profile
from community import events as services
from community.models import Event
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, RoomFactory


def web(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def week(people):
    """Alice's public booking next Wednesday 18–21 with an event at it, and a public booking
    of Nordby Korps on Thursday."""
    cache.clear()  # the feeds' rendered bodies
    people.org_a.in_directory = True  # listed: named as the organiser; Nordby Korps is not
    people.org_a.save()
    start = next_weekday_at(2, 18)
    Profile.objects.create(user=people.alice, phone="+47 911 22 333")
    booking = BookingFactory(room=people.room, organisation=people.org_a, booked_by=people.alice,
                             start=start, end=start + dt.timedelta(hours=3), public=True,
                             title="Sjakkturnering")  # fmt: skip
    korps = BookingFactory(room=RoomFactory(name="Kulturhuset"), organisation=people.org_b,
                           booked_by=people.bob, start=start + dt.timedelta(days=1),
                           end=start + dt.timedelta(days=1, hours=2), public=True,
                           title="Korpsøvelse åpen")  # fmt: skip
    event = services.event_create(
        organisation=people.org_a, by=people.alice, title="Åpen sjakkturnering",
        description="<script>alert(1)</script> Se https://sjakk.example.org/ og javascript:x",
        booking=booking, category="recreation", age_groups=["youth", "adults"],
        link="https://sjakk.example.org/",
    )  # fmt: skip
    return people, start, booking, korps, event


def test_the_calendar_shows_events_and_public_bookings_together(week):
    people, start, _booking, _korps, event = week
    page = Client().get(f"/calendar/?week={start.date()}").content.decode()
    assert "Åpen sjakkturnering" in page and f"/events/{event.pk}/" in page
    assert "Korpsøvelse åpen" in page and "18:00–21:00" in page
    # The booking the event tells about is shown once, as the event.
    assert "Sjakkturnering<" not in page
    only_events = Client().get(f"/calendar/?week={start.date()}&category=recreation")
    assert "Åpen sjakkturnering" in only_events.content.decode()
    assert "Korpsøvelse åpen" not in only_events.content.decode()
    seniors = Client().get(f"/calendar/?week={start.date()}&age_group=seniors").content.decode()
    assert "Åpen sjakkturnering" not in seniors
    site = Client().get(f"/calendar/?week={start.date()}&site={people.room.site_id}")
    assert "Korpsøvelse åpen" not in site.content.decode()
    assert "Åpen sjakkturnering" in site.content.decode()


def test_the_feed_holds_events_with_their_uid_and_sequence(week):
    people, _start, _booking, _korps, event = week
    services.event_update(event=event, by=people.alice, title="Åpen sjakkturnering 2")
    calendar = icalendar.Calendar.from_ical(Client().get("/calendar/public.ics").content)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    mine = found[f"event-{event.pk}@lokale"]
    assert int(mine["SEQUENCE"]) == 1
    assert str(mine["SUMMARY"]) == "Åpen sjakkturnering 2 – Ås Sjakklubb"
    assert mine.decoded("DTSTART") == event.start
    assert "Korpsøvelse åpen" in {str(e["SUMMARY"]) for e in found.values()}  # no name: unlisted


def test_a_hidden_event_appears_nowhere_public(week):
    people, start, _booking, _korps, event = week
    services.event_hide(event=event, by=people.olga, reason="Feil")
    texts = [
        Client().get(f"/calendar/?week={start.date()}").content.decode(),
        Client().get("/calendar/public.ics").content.decode().replace("\r\n ", ""),
        Client().get("/api/v1/events/").content.decode(),
        Client().get(f"/api/v1/events/?from={start.date()}&to={start.date()}").content.decode(),
        web(people.bob).get(f"/calendar/?week={start.date()}").content.decode(),
    ]
    for text in texts:
        assert "Åpen sjakkturnering" not in text
    assert Client().get(f"/events/{event.pk}/").status_code == 404
    assert web(people.bob).get(f"/events/{event.pk}/").status_code == 404
    assert Client().get(f"/api/v1/events/{event.pk}/").status_code == 404
    # Its organisation still sees it, and why.
    own = web(people.alice).get(f"/events/{event.pk}/").content.decode()
    assert "Åpen sjakkturnering" in own and "Feil" in own


def test_the_event_page_escapes_text_and_links_only_http(week):
    _people, _start, _booking, _korps, event = week
    page = Client().get(f"/events/{event.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://sjakk.example.org/" rel="nofollow noopener">' in page
    assert 'href="javascript' not in page


def test_no_member_is_named_anywhere_public(week):
    people, start, *_ = week
    texts = [
        Client().get(f"/calendar/?week={start.date()}").content.decode(),
        Client().get("/calendar/public.ics").content.decode().replace("\r\n ", ""),
        Client().get("/api/v1/events/").content.decode(),
        Client().get(f"/events/{week[4].pk}/").content.decode(),
        Client().get(f"/api/v1/events/{week[4].pk}/").content.decode(),
    ]
    people.alice.refresh_from_db()
    for text in texts:
        for private in ("911 22 333", people.alice.email, people.alice.last_name,
                        people.bob.email, people.org_a.contact_phone, ">alice<"):  # fmt: skip
            assert private not in text, private


def test_members_publish_through_the_form_and_see_the_clashes(week):
    people, start, booking, _korps, event = week
    other = services.event_create(
        organisation=people.org_b,
        by=people.bob,
        title="Ungdomsfest",
        start=start + dt.timedelta(minutes=30),
        end=start + dt.timedelta(minutes=90),
        place="Ungdomshuset",
        category="recreation",
        age_groups=["youth"],
    )
    assert web(people.bob).get(f"/organisations/{people.org_a.pk}/events/new/").status_code == 404
    form = web(people.alice).get(f"/organisations/{people.org_a.pk}/events/new/")
    assert form.status_code == 200 and "Sjakkturnering" in form.content.decode()
    assert "Korpsøvelse åpen" not in form.content.decode()  # not its own booking
    body = {
        "title": "Lynsjakk for unge",
        "booking": booking.pk,
        "place": "",
        "date": start.date().isoformat(),
        "start_time": "19:00",
        "end_time": "20:00",
        "category": "recreation",
        "age_groups": ["youth"],
        "link": "",
        "image_alt": "",
    }
    response = web(people.alice).post(f"/organisations/{people.org_a.pk}/events/new/", body,
                                      follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Other events at the same time for the same audience" in page or "samme tid" in page
    assert other.title in page and event.title in page
    assert Event.objects.filter(title="Lynsjakk for unge", booking=booking).exists()


def test_bad_form_input_names_the_field_and_saves_nothing(week):
    people, start, _booking, korps, _event = week
    url = f"/organisations/{people.org_a.pk}/events/new/"
    body = {"title": "Feil", "booking": korps.pk, "date": start.date().isoformat(),
            "start_time": "19:00", "end_time": "18:00", "category": "culture",
            "age_groups": ["youth"], "link": "javascript:alert(1)"}  # fmt: skip
    response = web(people.alice).post(url, body)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_booking_error"' in page and 'id="id_end_time_error"' in page
    body |= {"booking": "", "place": "Torget", "end_time": "20:00"}
    response = web(people.alice).post(url, body)
    assert 'id="id_link_error"' in response.content.decode()
    assert not Event.objects.filter(title="Feil").exists()


def test_withdrawing_asks_first(week):
    people, _start, _booking, _korps, event = week
    assert web(people.bob).get(f"/events/{event.pk}/withdraw/").status_code == 403
    asked = web(people.alice).get(f"/events/{event.pk}/withdraw/")
    assert asked.status_code == 200 and Event.objects.filter(pk=event.pk).exists()
    web(people.alice).post(f"/events/{event.pk}/withdraw/")
    assert not Event.objects.filter(pk=event.pk).exists()


def test_officers_hide_with_a_reason(week):
    people, _start, _booking, _korps, event = week
    assert web(people.alice).get(f"/events/{event.pk}/hide/").status_code == 403
    assert web(people.alice).post(f"/events/{event.pk}/hide/", {"reason": "x"}).status_code == 403
    refused = web(people.olga).post(f"/events/{event.pk}/hide/", {"reason": ""})
    assert 'id="id_reason_error"' in refused.content.decode()
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    web(people.olga).post(f"/events/{event.pk}/hide/", {"reason": "Reklame"})
    hidden = Event.objects.get(pk=event.pk)
    assert (hidden.status, hidden.hidden_reason, hidden.hidden_by) == (
        Event.Status.HIDDEN, "Reklame", people.olga)  # fmt: skip


def _count(path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    return len(queries)


def test_the_calendar_and_feed_read_as_many_times_for_500_events_as_for_1(week):
    people, start, *_ = week
    page, feed = f"/calendar/?week={start.date()}", "/calendar/public.ics"
    one = (_count(page), _count(feed))
    Event.objects.bulk_create(
        Event(organisation=people.org_b, created_by=people.bob, title=f"Konsert {n}",
              start=start + dt.timedelta(minutes=n), end=start + dt.timedelta(minutes=n + 60),
              place="Torget", category="culture", age_groups=["all"])
        for n in range(499)
    )  # fmt: skip
    many = (_count(page), _count(feed))
    assert many == one
    assert "Konsert 498" in Client().get(page).content.decode()
    assert one[0] <= 10


def test_a_filter_given_badly_is_left_out_and_the_others_still_apply(week):
    _people, start, *_ = week
    page = Client().get(f"/calendar/?week={start.date()}&category=commercial&age_group=youth")
    assert page.status_code == 200
    text = page.content.decode()
    # The week and the age group still apply: the youth event shows, the booking does not.
    assert "Åpen sjakkturnering" in text and "Korpsøvelse åpen" not in text
    assert Client().get("/calendar/?week=99999-01-01&site=x").status_code == 200


def test_only_members_open_the_edit_form_and_their_events_list(week):
    people, _start, _booking, _korps, event = week
    assert web(people.alice).get(f"/events/{event.pk}/edit/").status_code == 200
    assert web(people.bob).get(f"/events/{event.pk}/edit/").status_code == 403
    assert Client().get(f"/events/{event.pk}/edit/").status_code == 302  # to sign in
    listing = web(people.alice).get(f"/organisations/{people.org_a.pk}/events/")
    assert listing.status_code == 200 and "Åpen sjakkturnering" in listing.content.decode()
    assert web(people.bob).get(f"/organisations/{people.org_a.pk}/events/").status_code == 404
    own = web(people.alice).get(f"/organisations/{people.org_a.pk}/").content.decode()
    assert f"/organisations/{people.org_a.pk}/events/" in own
    changed = web(people.alice).post(f"/events/{event.pk}/edit/", {
        **{k: v for k, v in _form_of(event).items() if v is not None}, "title": "Lynsjakk",
    })  # fmt: skip
    assert changed.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "Lynsjakk"


def _form_of(event):
    from community.event_forms import EventForm

    initial = EventForm.initial_for(event)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in initial.items()}


def test_event_pages_stay_within_ten_queries(week):
    people, *_rest, event = week
    for client, path in ((Client(), f"/events/{event.pk}/"),
                         (web(people.alice), f"/events/{event.pk}/"),
                         (web(people.alice), f"/events/{event.pk}/edit/"),
                         (web(people.alice), f"/organisations/{people.org_a.pk}/events/"),
                         (web(people.olga), f"/events/{event.pk}/hide/")):  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) <= 10, (path, len(queries))
