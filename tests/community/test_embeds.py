"""The embeds for the municipality's web site (/embed/calendar/, /embed/directory/):
framed only by the configured origins, no cookie set or read, cacheable, nothing of an
organisation that has not opted in, nothing of a member, text escaped, queries bounded."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking.models import Booking, Organisation, Profile
from community.models import Event, PublicProfile
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, OrganisationFactory, RoomFactory

pytestmark = pytest.mark.django_db

MUNICIPALITY = "https://www.aas.kommune.no"
CALENDAR, DIRECTORY = "/embed/calendar/", "/embed/directory/"


def listed(name: str, **profile) -> Organisation:
    organisation = OrganisationFactory(
        name=name, in_directory=True, public_description=f"Om {name}."
    )
    PublicProfile.objects.create(organisation=organisation, **profile)
    return organisation


def event(organisation, title: str, start: dt.datetime, **fields) -> Event:
    fields = {"place": "Torget", "category": "culture", "age_groups": ["children"], **fields}
    creator = organisation.memberships.first()
    return Event.objects.create(
        organisation=organisation, title=title, start=start, end=start + dt.timedelta(hours=2),
        created_by=creator.user if creator else _someone(), **fields,
    )  # fmt: skip


def _someone():
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def week(people):
    """A Wednesday evening next week, and the week parameter for it."""
    start = next_weekday_at(2, 18)
    return start, f"?week={start.date().isoformat()}"


def text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


# --- framing ---


def test_the_embeds_are_framed_by_the_configured_origins_only(people, settings):
    settings.EMBED_ORIGINS = [MUNICIPALITY, "https://kommune.example.no:8443"]
    for path in (CALENDAR, DIRECTORY):
        response = Client().get(path)
        csp = response["Content-Security-Policy"]
        assert f"frame-ancestors {MUNICIPALITY} https://kommune.example.no:8443" in csp
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert "X-Frame-Options" not in response
    for path in ("/calendar/", "/rooms/", "/accounts/login/"):
        other = Client().get(path)
        assert other["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_with_no_origin_configured_no_one_may_frame_the_embeds(people, settings):
    settings.EMBED_ORIGINS = []
    for path in (CALENDAR, DIRECTORY):
        response = Client().get(path)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def _settings_with(origins: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "true", "LOKALE_EMBED_ORIGINS": origins}
    return subprocess.run(
        [sys.executable, "-c", "from config import settings as s; print(s.EMBED_ORIGINS)"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_an_invalid_origin_stops_the_service_at_start():
    good = _settings_with(f"{MUNICIPALITY}, http://localhost:8001/")
    assert good.stdout.strip() == f"['{MUNICIPALITY}', 'http://localhost:8001']"
    for bad in ("www.aas.kommune.no", "https://a.no/kalender", "https://a.no; script-src *",
                "'self'", "*", "https://a.no:99999"):  # fmt: skip
        run = _settings_with(bad)
        assert run.returncode != 0 and "LOKALE_EMBED_ORIGINS" in run.stderr, bad


# --- nothing of the visitor ---


def test_no_cookie_is_set_or_read_even_for_a_signed_in_visitor(people, week):
    _start, query = week
    signed_in = Client()
    signed_in.force_login(people.alice)
    signed_in.cookies["django_language"] = "en"
    for client in (Client(), signed_in):
        for path in (CALENDAR + query, DIRECTORY, CALENDAR + "?site=x"):
            response = client.get(path)
            assert "Set-Cookie" not in response and not response.cookies, path
            assert "Cookie" not in response.get("Vary", ""), path
    page = text(signed_in.get(CALENDAR))
    assert 'lang="nb"' in page and "csrfmiddlewaretoken" not in page
    assert "alice" not in page and "<script" not in page and "<form" not in page


# --- caching ---


def test_an_embed_is_cacheable_and_answers_304_until_it_changes(people, week):
    start, query = week
    organisation = listed("Ås Korps", categories=["culture"])
    event(organisation, "Vårkonsert", start)
    for path in (CALENDAR + query, DIRECTORY):
        first = Client().get(path)
        assert first.status_code == 200 and first["ETag"]
        assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
        again = Client().get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and not again.content
        assert "max-age=300" in again["Cache-Control"]
    calendar_etag = Client().get(CALENDAR + query)["ETag"]
    directory_etag = Client().get(DIRECTORY)["ETag"]
    event(organisation, "Sommerkonsert", start + dt.timedelta(days=1))
    listed("Ås Sjakk")
    changed = Client().get(CALENDAR + query, HTTP_IF_NONE_MATCH=calendar_etag)
    assert changed.status_code == 200 and "Sommerkonsert" in changed.content.decode()
    changed = Client().get(DIRECTORY, HTTP_IF_NONE_MATCH=directory_etag)
    assert changed.status_code == 200 and "Ås Sjakk" in changed.content.decode()
    english = Client().get(CALENDAR + query + "&lang=en", HTTP_IF_NONE_MATCH=calendar_etag)
    assert english.status_code == 200


# --- parameters ---


@pytest.mark.parametrize(
    "query",
    ["site=abc", "site=99999", "site={centre}", "category=nope", "age_group=babies", "lang=de",
     "week=2026-13-01", "week=99999-01-01", "week=tomorrow", "page=0", "page=x"],
)  # fmt: skip
def test_a_bad_parameter_is_told_in_plain_words(people, query):
    from tests.factories import CentreFactory

    query = query.format(centre=CentreFactory().pk)
    path = DIRECTORY if query.startswith("page") else CALENDAR
    response = Client().get(f"{path}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Bad parameter" in response.content.decode()
    in_norwegian = Client()
    in_norwegian.cookies["django_language"] = "nb"
    assert "Select a valid choice" in in_norwegian.get(f"{path}?lang=de").content.decode()
    if not query.startswith("week"):
        assert Client().get(f"{DIRECTORY}?{query}").status_code == 400


def test_only_get_and_head(people):
    assert Client().post(CALENDAR).status_code == 405
    assert Client().head(DIRECTORY).status_code == 200


def test_the_language_is_the_parameter(people):
    assert "What's on" in text(Client().get(CALENDAR + "?lang=en"))
    assert 'lang="nn"' in text(Client().get(DIRECTORY + "?lang=nn"))
    page = text(Client().get(CALENDAR))
    assert "Hva skjer" in page or "What's on" not in page
    assert Client().get(CALENDAR + "?lang=en")["Content-Language"] == "en"


# --- what is shown ---


def test_the_calendar_shows_published_events_and_public_bookings_not_hidden_or_private(
    people, week
):
    start, query = week
    korps = listed("Ås Korps")
    event(korps, "Vårkonsert", start)
    event(korps, "Skjult fest", start, status=Event.Status.HIDDEN, hidden_reason="Reklame")
    event(korps, "Uka etter", start + dt.timedelta(days=7))
    BookingFactory(room=people.room, organisation=people.org_b, title="Åpen øving",
                   public=True, start=start + dt.timedelta(days=1))  # fmt: skip
    BookingFactory(room=people.room, organisation=people.org_b, title="Lukket styremøte",
                   start=start + dt.timedelta(days=1, hours=3))  # fmt: skip
    BookingFactory(room=people.room, organisation=people.org_b, title="Ubekreftet",
                   public=True, status=Booking.Status.PENDING,
                   start=start + dt.timedelta(days=2))  # fmt: skip
    page = text(Client().get(CALENDAR + query))
    assert "Vårkonsert" in page and "Åpen øving" in page
    for absent in ("Skjult fest", "Reklame", "Uka etter", "Lukket styremøte", "Ubekreftet"):
        assert absent not in page
    assert f'href="/organisations/{korps.pk}/about/" target="_blank" rel="noopener"' in page
    # Nordby Korps is not listed: its public booking shows by its title alone.
    assert "Nordby Korps" not in page
    assert f"/organisations/{people.org_b.pk}/about/" not in page
    assert 'href="/calendar/?week=' in page
    concert = Event.objects.get(title="Vårkonsert")
    assert f'href="/events/{concert.pk}/" target="_blank" rel="noopener"' in page


def test_an_event_at_a_public_booking_is_shown_once(people, week):
    start, query = week
    korps = listed("Ås Korps")
    booking = BookingFactory(room=people.room, organisation=korps, title="Konsert (rom)",
                             public=True, start=start)  # fmt: skip
    event(korps, "Vårkonsert", start, booking=booking, place="")
    page = text(Client().get(CALENDAR + query))
    assert "Vårkonsert" in page and "Konsert (rom)" not in page
    assert f"{people.room.name}, {people.room.site.name}" in page


def test_the_calendar_filters_by_site_category_and_age_group(people, week):
    start, query = week
    other_room = RoomFactory(name="Gymsalen")
    korps = listed("Ås Korps", categories=["culture"], age_groups=["children"])
    klubb = listed("Ås Turlag", categories=["sports"], age_groups=["adults"])
    event(korps, "Barnekonsert", start, site=people.room.site)
    event(korps, "Familiedag", start, age_groups=["all"], category="recreation")
    event(klubb, "Fjelltur", start, age_groups=["adults"], category="sports",
          site=other_room.site)  # fmt: skip
    BookingFactory(room=other_room, organisation=klubb, title="Turlagsmøte", public=True,
                   start=start + dt.timedelta(days=1))  # fmt: skip
    BookingFactory(room=people.room, organisation=people.org_a, title="Sjakkturnering",
                   public=True, start=start + dt.timedelta(days=1))  # fmt: skip

    def shown(extra):
        page = text(Client().get(CALENDAR + query + extra))
        every = ("Barnekonsert", "Familiedag", "Fjelltur", "Turlagsmøte", "Sjakkturnering")
        return {title for title in every if title in page}

    assert shown("&age_group=children") == {"Barnekonsert", "Familiedag"}
    assert shown("&age_group=adults") == {"Familiedag", "Fjelltur", "Turlagsmøte"}
    assert shown("&category=sports") == {"Fjelltur", "Turlagsmøte"}
    assert shown(f"&site={people.room.site.pk}") == {"Barnekonsert", "Sjakkturnering"}
    assert shown(f"&site={other_room.site.pk}&category=sports") == {"Fjelltur", "Turlagsmøte"}


def test_the_directory_lists_only_organisations_that_opted_in(people):
    people.org_a.public_description = "Sjakk for alle"
    people.org_a.save()  # not in the directory
    korps = listed("Ås Korps", activities="korps, konserter", categories=["culture"],
                   age_groups=["children", "youth"])  # fmt: skip
    bare = OrganisationFactory(name="Uten profil", in_directory=True)
    page = text(Client().get(DIRECTORY))
    assert "Ås Korps" in page and "korps, konserter" in page and "Om Ås Korps." in page
    assert "Uten profil" in page
    assert people.org_a.name not in page and "Sjakk for alle" not in page
    assert people.org_b.name not in page
    assert f'href="/organisations/{korps.pk}/about/" target="_blank" rel="noopener"' in page
    assert f'href="/organisations/{bare.pk}/about/"' in page
    assert "barn (0–12)" in page or "children (0–12)" in page


def test_the_directory_filters_and_pages(people):
    other_room = RoomFactory(name="Gymsalen")
    korps = listed("Ås Korps", categories=["culture"], age_groups=["children"])
    korps.public_profile.sites.add(people.room.site)
    listed("Ås Turlag", categories=["sports"], age_groups=["all"])
    listed("Seniordans", categories=["culture", "recreation"], age_groups=["seniors"])

    def shown(query):
        page = text(Client().get(DIRECTORY + query))
        return {n for n in ("Ås Korps", "Ås Turlag", "Seniordans") if n in page}

    assert shown("?category=culture") == {"Ås Korps", "Seniordans"}
    assert shown("?age_group=children") == {"Ås Korps", "Ås Turlag"}
    assert shown(f"?site={people.room.site.pk}") == {"Ås Korps"}
    assert shown(f"?site={other_room.site.pk}") == set()
    Organisation.objects.bulk_create(
        Organisation(name=f"Lag {n:03}", category="voluntary", in_directory=True)
        for n in range(120)
    )
    first = text(Client().get(DIRECTORY))
    assert "Lag 000" in first and "Lag 049" in first and "Lag 050" not in first
    assert 'href="?lang=nb&amp;page=2"' in first
    third = text(Client().get(DIRECTORY + "?page=3&category="))
    assert "Seniordans" in third and "Lag 119" in third


def test_no_member_phone_or_email_in_either_embed(people, week):
    start, query = week
    korps = listed("Ås Korps")
    from tests.factories import MembershipFactory

    MembershipFactory(user=people.bob, organisation=korps, role="admin")
    for user, phone in ((people.alice, "+4741111111"), (people.bob, "+4742222222")):
        Profile.objects.update_or_create(user=user, defaults={"phone": phone})
    event(korps, "Vårkonsert", start)
    BookingFactory(room=people.room, organisation=korps, booked_by=people.bob, public=True,
                   title="Åpen øving", start=start + dt.timedelta(days=1))  # fmt: skip
    for path in (CALENDAR + query, DIRECTORY):
        page = text(Client().get(path))
        secrets = (people.alice.email, people.bob.email, "41111111", "42222222",
                   people.bob.last_name, korps.contact_email, korps.contact_phone)  # fmt: skip
        for private in secrets:
            assert private not in page, (path, private)


def test_text_is_escaped(people, week):
    start, query = week
    evil = listed("<script>alert(1)</script>", activities="<b>fet</b>")
    event(evil, "<img src=x onerror=alert(2)>", start, link="javascript:alert(3)")
    for path in (CALENDAR + query, DIRECTORY):
        page = text(Client().get(path))
        assert "<script>" not in page and "<img" not in page and "<b>" not in page
        assert "javascript:" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- queries ---


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


def test_the_same_queries_for_1_and_500_organisations_and_events(people, week):
    start, query = week
    korps = listed("Ås Korps", categories=["culture"], age_groups=["children"])
    korps.public_profile.sites.add(people.room.site)
    event(korps, "Konsert 0", start, site=people.room.site)
    paths = [CALENDAR + query, CALENDAR + query + f"&site={people.room.site.pk}&age_group=children",
             DIRECTORY, DIRECTORY + "?category=culture&age_group=children&page=2"]  # fmt: skip
    one = [_queries(path) for path in paths]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Lag {n}", category="voluntary", in_directory=True) for n in range(500)
    )
    PublicProfile.objects.bulk_create(
        PublicProfile(organisation=o, categories=["culture"], age_groups=["children"])
        for o in organisations
    )
    Event.objects.bulk_create(
        Event(organisation=o, title=f"Konsert {n}", place="Torget", category="culture",
              age_groups=["children"], site=people.room.site, created_by=people.alice,
              start=start + dt.timedelta(minutes=n), end=start + dt.timedelta(minutes=n + 60))
        for n, o in enumerate(organisations, start=1)
    )  # fmt: skip
    for hours in range(0, 10, 2):
        BookingFactory(room=people.room, organisation=korps, public=True,
                       start=start + dt.timedelta(days=1, hours=hours - 12))  # fmt: skip
    many = [_queries(path) for path in paths]
    assert one == many, list(zip(paths, one, many, strict=True))
    assert max(many) <= 10
    assert "Konsert 500" in text(Client().get(CALENDAR + query))
