"""Calendar feeds: parse, expand across DST to exactly the bookings, keep secrets secret."""

import datetime as dt

import icalendar
import pytest
import recurring_ical_events
from django.test import Client

from booking import services
from booking.models import Booking, Organisation, Profile, Site
from booking.timeutil import OSLO, UTC
from tests.booking.test_time import next_spring_forward
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def week(people):
    """The week of the next spring-forward: bookings on Saturday, across the gap on
    Sunday night, Sunday evening and Monday; one private, one public, one cancelled."""
    room = RoomFactory(name="Gymsalen", booking_horizon_days=800, site=people.room.site)
    sunday = next_spring_forward()
    Profile.objects.create(user=people.alice, phone="+47 999 88 777")
    people.alice.first_name, people.alice.last_name = "Kari", "Hemmelig"
    people.alice.save()

    def book(start, hours, title, public=False, organisation=people.org_a):
        return services.booking_create(
            room=room, organisation=organisation, by=people.alice, start=start,
            end=start.astimezone(UTC) + dt.timedelta(hours=hours), title=title,
            attendees=10, public=public, notes="Stoler i ring",
        )  # fmt: skip

    made = [
        book(local(sunday - dt.timedelta(days=1), 18), 2, "Hemmelig styremøte"),
        book(local(sunday, 1), 2, "Nattvandring"),  # 01:00–04:00 local: two real hours
        book(local(sunday, 18), 2, "Åpen sjakkturnering", public=True),
        book(local(sunday + dt.timedelta(days=1), 18), 2, "Korpsøvelse"),
    ]
    gone = book(local(sunday + dt.timedelta(days=2), 18), 2, "Avlyst møte")
    services.booking_cancel(booking=gone, by=people.alice)
    return {"room": room, "sunday": sunday, "made": made, "gone": gone}


def fetch(path: str) -> tuple[str, icalendar.Calendar]:
    response = Client().get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    return text, icalendar.Calendar.from_ical(text)


def expanded(calendar, sunday) -> set[tuple[str, dt.datetime, dt.datetime]]:
    """The events of the seven days around the spring-forward Sunday, as instants."""
    first = sunday - dt.timedelta(days=3)
    events = recurring_ical_events.of(calendar).between(
        local(first, 0), local(first + dt.timedelta(days=7), 0)
    )
    return {
        (str(e["UID"]), e.decoded("DTSTART").astimezone(UTC), e.decoded("DTEND").astimezone(UTC))
        for e in events
        if str(e.get("STATUS")) != "CANCELLED"
    }


def in_database(bookings) -> set[tuple[str, dt.datetime, dt.datetime]]:
    return {(b.uid, b.start.astimezone(UTC), b.end.astimezone(UTC)) for b in bookings}


def token_for(obj) -> str:
    type(obj).objects.filter(pk=obj.pk).update(calendar_token=f"tok-{type(obj).__name__}-{obj.pk}")
    return f"tok-{type(obj).__name__}-{obj.pk}"


def test_the_room_feed_expands_to_exactly_the_bookings_at_oslo_times(week):
    text, calendar = fetch(f"/calendar/rooms/{week['room'].pk}.ics")
    assert expanded(calendar, week["sunday"]) == in_database(week["made"])
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    night = events[week["made"][1].uid]
    assert night.decoded("DTSTART").astimezone(OSLO).hour == 1
    assert night.decoded("DTEND").astimezone(OSLO).hour == 4  # 01:00 + 2 h across the gap
    assert night.decoded("DTSTART").tzinfo.key == "Europe/Oslo"
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Oslo" in text
    assert all(str(e["DTSTAMP"].to_ical().decode()).endswith("Z") for e in events.values())


def test_the_public_feed_holds_public_bookings_only(week):
    _text, calendar = fetch("/calendar/public.ics")
    assert expanded(calendar, week["sunday"]) == in_database([week["made"][2]])


def test_public_feeds_name_only_organisations_listed_in_the_directory(week, people):
    room = week["room"]
    for path in ("/calendar/public.ics", f"/calendar/rooms/{room.pk}.ics"):
        text, _calendar = fetch(path)
        assert "Åpen sjakkturnering" in text and people.org_a.name not in text
    people.org_a.in_directory = True
    people.org_a.save()
    for path in ("/calendar/public.ics", f"/calendar/rooms/{room.pk}.ics"):
        _text, calendar = fetch(path)
        summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
        assert f"Åpen sjakkturnering – {people.org_a.name}" in summaries


def test_the_organisation_and_site_feeds_need_their_secret(week, people):
    org, site = people.org_a, people.room.site
    for path in (f"/calendar/organisations/{org.pk}.ics", f"/calendar/sites/{site.pk}.ics"):
        assert Client().get(path).status_code == 404  # no link made yet
        assert Client().get(f"{path}?token=").status_code == 404
    org_token, site_token = token_for(org), token_for(site)
    _t, calendar = fetch(f"/calendar/organisations/{org.pk}.ics?token={org_token}")
    assert expanded(calendar, week["sunday"]) == in_database(week["made"])
    text, calendar = fetch(f"/calendar/sites/{site.pk}.ics?token={site_token}")
    assert expanded(calendar, week["sunday"]) == in_database(week["made"])
    assert "Stoler i ring" in text and "+47 999 88 777" in text  # for the caretaker
    assert Client().get(f"/calendar/sites/{site.pk}.ics?token={org_token}").status_code == 404


def test_a_new_link_makes_the_old_one_a_404(week, people):
    admin = Client()
    admin.force_login(people.alice)  # admin of org A
    admin.post(f"/calendar/links/organisation/{people.org_a.pk}/new/")
    first = Organisation.objects.get(pk=people.org_a.pk).calendar_token
    assert len(first) >= 40
    path = f"/calendar/organisations/{people.org_a.pk}.ics?token="
    assert Client().get(path + first).status_code == 200
    admin.post(f"/calendar/links/organisation/{people.org_a.pk}/new/")
    second = Organisation.objects.get(pk=people.org_a.pk).calendar_token
    assert second != first
    assert Client().get(path + first).status_code == 404
    assert Client().get(path + second).status_code == 200
    member = Client()
    member.force_login(people.bob)
    assert member.post(f"/calendar/links/organisation/{people.org_a.pk}/new/").status_code == 403
    caretaker = Client()
    caretaker.force_login(people.carl)
    caretaker.post(f"/calendar/links/site/{people.room.site.pk}/new/")
    assert Site.objects.get(pk=people.room.site.pk).calendar_token


def test_public_feeds_carry_no_names_phones_or_private_titles(week, people):
    for path in (f"/calendar/rooms/{week['room'].pk}.ics", "/calendar/public.ics"):
        text = Client().get(path).content.decode()
        unfolded = text.replace("\r\n ", "")
        for secret in ("Hemmelig", "Kari", "999 88 777", "Stoler i ring", "alice",
                       people.alice.email, "Nattvandring", "Korpsøvelse"):  # fmt: skip
            assert secret not in unfolded, (path, secret)
    room_text = Client().get(f"/calendar/rooms/{week['room'].pk}.ics").content.decode()
    assert "Åpen sjakkturnering" in room_text and "SUMMARY:Opptatt" in room_text


def test_sequence_grows_and_a_cancellation_stays_as_cancelled_for_a_while(week, people):
    booking = week["made"][3]
    services.booking_update(booking=booking, by=people.alice, title="Korpsøvelse (endret)")
    _t, calendar = fetch(f"/calendar/rooms/{week['room'].pk}.ics")
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert int(events[booking.uid]["SEQUENCE"]) == 1
    gone = events[week["gone"].uid]
    assert (str(gone["STATUS"]), int(gone["SEQUENCE"])) == ("CANCELLED", 1)
    Booking.objects.filter(pk=week["gone"].pk).update(
        updated_at=dt.datetime.now(UTC) - dt.timedelta(days=31)
    )
    _t, calendar = fetch(f"/calendar/rooms/{week['room'].pk}.ics")
    assert week["gone"].uid not in {str(e["UID"]) for e in calendar.walk("VEVENT")}


def test_polling_gets_304_until_something_changes(week, people):
    client, path = Client(), f"/calendar/rooms/{week['room'].pk}.ics"
    first = client.get(path)
    etag = first["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.booking_update(booking=week["made"][0], by=people.alice, attendees=12)
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_room_that_does_not_exist_has_no_feed(db):
    assert Client().get("/calendar/rooms/999999.ics").status_code == 404
    assert Client().get("/calendar/organisations/999999.ics?token=x").status_code == 404


def test_a_version_is_rendered_once_and_then_served_from_the_cache(week, people):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    path = f"/calendar/rooms/{week['room'].pk}.ics"
    with CaptureQueriesContext(connection) as rendered:
        first = Client().get(path).content
    with CaptureQueriesContext(connection) as cached:
        again = Client().get(path).content
    assert again == first
    assert len(cached) == 2 < len(rendered)  # the room and the version; no bookings read
    services.booking_update(booking=week["made"][0], by=people.alice, title="Nytt navn")
    assert Client().get(path).content != first  # a new version is rendered
    token = token_for(people.org_a)
    org_path = f"/calendar/organisations/{people.org_a.pk}.ics"
    assert Client().get(f"{org_path}?token={token}").status_code == 200
    assert Client().get(f"{org_path}?token=wrong").status_code == 404  # not from the cache


def test_rejected_and_never_confirmed_public_requests_never_reach_public_feeds(people):
    room = RoomFactory(name="Storsalen", requires_approval=True)
    start = next_weekday_at(2, 18)
    asked = services.booking_create(room=room, organisation=people.org_a, by=people.alice,
                                    start=start, end=start + dt.timedelta(hours=2),
                                    title="Hemmelig søknad", attendees=5, public=True)  # fmt: skip
    services.booking_reject(booking=asked, by=people.olga, note="Nei")
    for path in ("/calendar/public.ics", f"/calendar/rooms/{room.pk}.ics"):
        assert "Hemmelig søknad" not in Client().get(path).content.decode(), path
    assert Client().get("/calendar/public.ics?site=%C2%B2").status_code == 200
    token = token_for(people.org_a)
    odd = f"/calendar/organisations/{people.org_a.pk}.ics?token=%C3%A9"
    assert Client().get(odd).status_code == 404
    assert token


def test_unknown_query_parameters_do_not_make_new_cache_entries(week):
    from django.core.cache import cache

    cache.clear()
    for n in range(3):
        Client().get(f"/calendar/public.ics?x={n}")
    assert len(cache._cache) == 1  # locmem: one rendered version, whatever ?x= says
