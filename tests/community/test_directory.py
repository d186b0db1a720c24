"""The directory page and each organisation's public page: only listed organisations,
never a member's contact details, search and filters on both databases."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from booking import memberships
from community.models import Event
from community.profiles import profile_save
from tests.community.conftest import HIDDEN_NAME, PRIVATE, only_postgresql, opt_in
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def page(path: str, user=None, status=200) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def names_on(path: str) -> list[str]:
    from html.parser import HTMLParser

    class Headings(HTMLParser):
        found: list[str] = []
        inside = False

        def handle_starttag(self, tag, attrs):
            self.inside = self.inside or tag == "h3"

        def handle_data(self, data):
            if self.inside and data.strip():
                self.found.append(data.strip())

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "h3"

    parser = Headings()
    parser.found = []
    parser.feed(page(path))
    return parser.found


def test_the_directory_lists_only_organisations_that_opted_in(directory_world):
    w = directory_world
    for user in (None, w.people.alice, w.nina):
        text = page("/organisations/", user)
        assert w.chess.name in text and w.band.name in text and w.handball.name in text
        assert HIDDEN_NAME not in text and "Bridge" not in text
    for q in ("bridge", "Skjult", "korps", "sjakk"):
        assert HIDDEN_NAME not in page(f"/organisations/?q={q}")
    assert HIDDEN_NAME not in page("/organisations/?category=recreation&age_group=adults")
    page(f"/organisations/{w.hidden.pk}/about/", status=404)
    page(f"/organisations/{w.hidden.pk}/about/", w.nina, status=404)  # not even for its admin


def test_opting_out_takes_it_off_at_once(directory_world):
    w = directory_world
    memberships.organisation_profile_update(organisation=w.chess, by=w.people.alice,
                                            in_directory=False)  # fmt: skip
    assert w.chess.name not in page("/organisations/")
    assert w.chess.name not in page("/organisations/?q=sjakk")
    page(f"/organisations/{w.chess.pk}/about/", status=404)


def test_no_member_contact_details_anywhere_public(directory_world):
    w = directory_world
    texts = [page("/organisations/"), page("/organisations/?q=korps")]
    texts += [page(f"/organisations/{o.pk}/about/") for o in (w.chess, w.band, w.handball)]
    for text in texts:
        for private in PRIVATE:
            assert private not in text, private
    about_chess = texts[2]
    assert "post@sjakk.example.org" in about_chess  # the organisation's own address
    assert w.chess.contact_phone not in about_chess  # not chosen to show
    assert w.band.contact_phone in texts[3]  # chosen to show: the organisation's phone


def test_the_public_page_shows_the_profile_and_what_is_on(directory_world):
    w = directory_world
    start = timezone.now() + dt.timedelta(days=3)
    booking = BookingFactory(room=w.people.room, organisation=w.chess, public=True,
                             title="Åpen sjakkturnering", start=start,
                             end=start + dt.timedelta(hours=2))  # fmt: skip
    BookingFactory(room=w.people.room, organisation=w.chess, public=False, title="Styremøte",
                   start=start + dt.timedelta(days=1),
                   end=start + dt.timedelta(days=1, hours=1))  # fmt: skip
    Event.objects.create(organisation=w.chess, title="Sjakk i parken", place="Parken",
                         start=start, end=start + dt.timedelta(hours=3), category="recreation",
                         created_by=w.people.alice)  # fmt: skip
    Event.objects.create(organisation=w.chess, title="Skjult arrangement", place="Et sted",
                         start=start, end=start + dt.timedelta(hours=3), category="recreation",
                         created_by=w.people.alice, status="hidden")  # fmt: skip
    Event.objects.create(organisation=w.chess, title="Gammelt arrangement", place="Et sted",
                         start=start - dt.timedelta(days=30),
                         end=start - dt.timedelta(days=29), category="recreation",
                         created_by=w.people.alice)  # fmt: skip
    text = page(f"/organisations/{w.chess.pk}/about/")
    assert booking.title in text and "Sjakk i parken" in text and "Parken" in text
    for absent in ("Styremøte", "Skjult arrangement", "Gammelt arrangement"):
        assert absent not in text
    for shown in ("Sjakk for alle i Ås", "Møt opp en tirsdag.", "https://sjakk.example.org",
                  w.people.room.site.name, "Ås sentrum"):  # fmt: skip
        assert shown in text


def test_text_is_escaped_and_only_web_links_are_links(directory_world):
    w = directory_world
    profile_save(organisation=w.chess, by=w.people.alice,
                 activities="<script>alert(1)</script>",
                 how_to_join='<a href="javascript:alert(1)">bli med</a>')  # fmt: skip
    text = page(f"/organisations/{w.chess.pk}/about/")
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text
    assert 'href="javascript:' not in text


def test_search_by_name_and_activity_icontains_on_both_databases(directory_world):
    w = directory_world
    # Words that a plain substring finds: the same results on SQLite and PostgreSQL.
    assert names_on("/organisations/?q=korps") == [w.band.name]
    assert names_on("/organisations/?q=SJAKK") == [w.chess.name]
    assert names_on("/organisations/?q=Ballklubb") == [w.handball.name]
    assert names_on("/organisations/?q=nordby") == [w.band.name]  # in the name and area
    assert names_on("/organisations/?q=zzzz") == []


def test_filters(directory_world):
    w = directory_world
    assert names_on("/organisations/?category=culture") == [w.band.name]
    assert names_on("/organisations/?category=sports") == [w.handball.name]
    # For all ages counts for every age group.
    # (sorted here: SQLite and PostgreSQL collate «Å» differently)
    assert sorted(names_on("/organisations/?age_group=youth")) == [w.band.name, w.handball.name]
    assert names_on(f"/organisations/?site={w.nordby.pk}") == [w.band.name]
    assert names_on(f"/organisations/?site={w.nordby.pk}&category=sports") == []
    assert sorted(names_on("/organisations/?category=no-such")) == sorted(
        [w.chess.name, w.band.name, w.handball.name]
    )


@only_postgresql[0]
@only_postgresql[1]
@pytest.mark.parametrize(
    ("words", "finds"),
    [("handbal", "handball"), ("korpss", "band"), ("sjak", "chess"), ("konsert", "band"),
     ("Handball", "handball"), ("marsjer", "band")],
)  # fmt: skip
def test_a_misspelt_word_finds_it_on_postgresql(directory_world, words, finds):
    assert connection.vendor == "postgresql"
    w = directory_world
    found = names_on(f"/organisations/?q={words}")
    assert found and found[0] == getattr(w, finds).name, found
    assert HIDDEN_NAME not in found


@only_postgresql[0]
@only_postgresql[1]
def test_a_renamed_organisation_is_found_by_its_new_name_only(directory_world):
    w = directory_world
    memberships.organisation_profile_update(organisation=w.chess, by=w.people.alice,
                                            public_description="Brettspill.")  # fmt: skip
    w.chess.name = "Ås Brettspillklubb"
    w.chess.save(update_fields=["name"])
    assert names_on("/organisations/?q=brettspilklubb") == ["Ås Brettspillklubb"]
    assert names_on("/organisations/?q=Sjakklubb") == []


def test_the_directory_pages(directory_world):
    w = directory_world
    for n in range(25):
        org = type(w.chess).objects.create(name=f"Lag {n:02}", category="voluntary")
        opt_in(org, w.people.olga)
    first = page("/organisations/")
    assert "Lag 00" in first and "Lag 24" not in first and "page=2" in first
    second = page("/organisations/?page=2")
    assert "Lag 24" in second
