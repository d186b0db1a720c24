"""Every bad input to the season allocation API is a 400 naming the field — a wish's field
inside ``wishes`` as DRF nests a list's errors (``{"wishes": {"1": {"start_time": [...]}}}``),
whether the serializer or the service found it — and saves nothing."""

import datetime as dt

import pytest

from seasons import services
from seasons.models import Allocation, Application, Season, Wish
from tests.factories import RoomFactory, SiteFactory
from tests.seasons.conftest import apply, wish
from tests.seasons.test_api import SEASONS, application_body, season_body, url, wish_body


def messages_at(body, path):
    """The messages at a path of keys, e.g. ("wishes", "1", "start_time")."""
    for step in path:
        body = body[step]
    if isinstance(body, dict):  # DRF's shape for a list's own errors
        body = [m for ms in body.values() for m in ms]
    assert body and all(isinstance(m, str) and m.strip() for m in body), body
    return body


def assert_400_at(response, *path):
    assert response.status_code == 400, response.content[:500]
    return messages_at(response.json(), path)


def two_wishes(s):
    return [wish_body(s.gym_a, rank=1), wish_body(s.gym_b, rank=2, weekday=1)]


def bad_wish(index, **change):
    def make(s):
        wishes = two_wishes(s)
        wishes[index] |= change
        return wishes

    return make


def other_site_room(s):
    return RoomFactory(site=SiteFactory(name="Sørby hall"), name="Hallen")


WISH_CASES = {
    "activity of 100,000 characters": (
        bad_wish(1, activity="x" * 100_000),
        ("wishes", "1", "activity"),
    ),
    "blank activity": (bad_wish(0, activity="   "), ("wishes", "0", "activity")),
    "activity not a string": (bad_wish(0, activity=123), ("wishes", "0", "activity")),
    "negative attendees": (bad_wish(1, attendees=-5), ("wishes", "1", "attendees")),
    "attendees not a number": (bad_wish(0, attendees="many"), ("wishes", "0", "attendees")),
    "weekday 9": (bad_wish(1, weekday=9), ("wishes", "1", "weekday")),
    "start after end": (
        bad_wish(1, start_time="20:00", end_time="19:00"),
        ("wishes", "1", "end_time"),
    ),
    "hour 25": (bad_wish(1, start_time="25:00"), ("wishes", "1", "start_time")),
    "time not HH:MM": (bad_wish(0, start_time="six"), ("wishes", "0", "start_time")),
    "time not whole five minutes": (bad_wish(1, start_time="18:07"), ("wishes", "1", "start_time")),
    "room of another site": (
        lambda s: [wish_body(s.gym_a) | {"room": other_site_room(s).pk}],
        ("wishes", "0", "room"),
    ),
    "room not in the season": (
        lambda s: [wish_body(other_site_room(s))],
        ("wishes", "0", "room"),
    ),
    "site not in the season": (
        lambda s: [wish_body(other_site_room(s).site)],
        ("wishes", "0", "site"),
    ),
    "neither room nor site": (bad_wish(0, room=None, site=None), ("wishes", "0", "site")),
    "no such room": (bad_wish(0, room=999_999), ("wishes", "0", "room")),
    "rank twice": (bad_wish(1, rank=1), ("wishes",)),
    "rank 0": (bad_wish(0, rank=0), ("wishes", "0", "rank")),
    "no wishes": (lambda s: [], ("wishes",)),
    "21 wishes": (lambda s: [wish_body(s.gym_a, rank=i) for i in range(1, 22)], ("wishes",)),
    "wishes not a list": (lambda s: "many", ("wishes",)),
}


@pytest.mark.parametrize("case", WISH_CASES, ids=list(WISH_CASES))
def test_a_bad_wish_is_400_naming_it_and_nothing_is_saved(season_scene, client_for, case):
    s = season_scene
    make, path = WISH_CASES[case]
    response = client_for(s.alice).post(
        url(s.season, "applications/"), application_body(s.org_a, make(s)), format="json"
    )
    assert_400_at(response, *path)
    assert not Application.objects.exists() and not Wish.objects.exists()


@pytest.mark.parametrize("case", ["weekday 9", "start after end", "room not in the season"])
def test_a_bad_wish_in_a_change_saves_nothing(season_scene, client_for, case):
    s = season_scene
    mine = apply(s.season, s.org_a, s.alice, [wish(s.gym_a, activity="Fotball")])
    make, path = WISH_CASES[case]
    response = client_for(s.alice).patch(
        url(s.season, f"applications/{mine.pk}/"),
        {"contact_name": "Endra", "wishes": make(s)},
        format="json",
    )
    assert_400_at(response, *path)
    saved = Application.objects.get()
    assert saved.contact_name != "Endra"
    assert list(saved.wishes.values_list("activity", flat=True)) == ["Fotball"]


APPLICATION_CASES = {
    "email": ({"contact_email": "not-an-address"}, "contact_email"),
    "contact name of 10,000 characters": ({"contact_name": "k" * 10_000}, "contact_name"),
    "no contact name": ({"contact_name": None}, "contact_name"),
    "negative members": ({"members_under_20": -1}, "members_under_20"),
    "not a phone number": ({"contact_phone": "12"}, "contact_phone"),
    "no such organisation": ({"organisation": 999_999}, "organisation"),
    "organisation not an id": ({"organisation": "A"}, "organisation"),
}


@pytest.mark.parametrize("case", APPLICATION_CASES, ids=list(APPLICATION_CASES))
def test_bad_application_fields_are_400_naming_them(season_scene, client_for, case):
    s = season_scene
    change, field = APPLICATION_CASES[case]
    body = application_body(s.org_a, two_wishes(s)) | change
    response = client_for(s.alice).post(url(s.season, "applications/"), body, format="json")
    assert_400_at(response, field)
    assert not Application.objects.exists()


SEASON_CASES = {
    "unknown criterion": ({"priorities": ["children_and_youth", "shoe_size"]}, "priorities"),
    "criterion twice": ({"priorities": ["last_season", "last_season"]}, "priorities"),
    "opening in the DST gap": ({"applications_open": "2027-03-28T02:30"}, "applications_open"),
    "closing in the autumn's double hour": (
        {"applications_close": "2026-10-25T02:30"},
        "applications_close",
    ),
    "last date before the first": ({"last_date": "2020-01-01"}, "last_date"),
    "a year 10000": ({"first_date": "10000-01-01"}, "first_date"),
    "closes after the season begins": (
        {"applications_close": "2040-01-01T12:00"},
        "applications_close",
    ),
    "neither sites nor rooms": ({"sites": []}, "rooms"),
    "no such site": ({"sites": [999_999]}, "sites"),
    "tolerance of 1000 minutes": ({"tolerance_minutes": 1000}, "tolerance_minutes"),
    "name of 300 characters": ({"name": "n" * 300}, "name"),
    "no name": ({"name": ""}, "name"),
}


@pytest.mark.parametrize("case", SEASON_CASES, ids=list(SEASON_CASES))
def test_bad_season_fields_are_400_naming_them(season_scene, client_for, case):
    s = season_scene
    change, field = SEASON_CASES[case]
    before = Season.objects.count()
    response = client_for(s.olga).post(SEASONS, season_body(s) | change, format="json")
    assert_400_at(response, field)
    assert Season.objects.count() == before


@pytest.fixture
def proposed(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_b, activity="Korps")])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)
    s.korps = Wish.objects.get(activity="Korps")
    return s


DECISION_CASES = {
    "unknown outcome": ({"outcome": "maybe"}, "outcome"),
    "no note": ({"note": None}, "note"),
    "blank note": ({"note": "  "}, "note"),
    "note of 5,000 characters": ({"note": "n" * 5000}, "note"),
    "weekday 9": ({"weekday": 9}, "weekday"),
    "hour 24": ({"start_time": "24:00"}, "start_time"),
    "end before start": ({"start_time": "20:00", "end_time": "19:00"}, "end_time"),
    "a room outside the season": ({"room": "other"}, "room"),
    "outside opening hours": ({"start_time": "10:00", "end_time": "11:00"}, "start_time"),
}


@pytest.mark.parametrize("case", DECISION_CASES, ids=list(DECISION_CASES))
def test_bad_decisions_are_400_naming_the_field(proposed, client_for, case):
    s = proposed
    change, field = DECISION_CASES[case]
    if change.get("room") == "other":
        change = {"room": RoomFactory(name="Annen sal").pk}
    body = {"outcome": "moved", "room": s.gym_b.pk, "note": "Flytta"} | change
    response = client_for(s.olga).patch(
        url(s.season, f"allocation/{s.korps.pk}/"), body, format="json"
    )
    assert_400_at(response, field)
    assert Allocation.objects.get(pk=s.korps.pk).decided_by is None


def test_a_taken_time_is_400_naming_start_time_and_saying_why(proposed, client_for):
    s = proposed
    alices = Wish.objects.get(application__organisation=s.org_a)
    body = {"outcome": "moved", "room": s.gym_a.pk, "note": "Bytte"}
    response = client_for(s.olga).patch(
        url(s.season, f"allocation/{s.korps.pk}/"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    (message,) = assert_400_at(response, "start_time")
    assert message == f"18:00 is held by {s.org_a.name}, with higher priority"
    assert Allocation.objects.get(pk=s.korps.pk).room == s.gym_b
    assert Allocation.objects.get(pk=alices.pk).room == s.gym_a


def test_a_proposal_or_publish_at_the_wrong_time_is_400_naming_status(season_scene, client_for):
    s = season_scene
    hidden = services.season_create(
        by=s.olga, name="Utkast", first_date=s.first + dt.timedelta(weeks=30),
        last_date=s.first + dt.timedelta(weeks=34),
        applications_open=s.season.applications_open,
        applications_close=s.season.applications_close, rooms=[s.gym_a],
    )  # fmt: skip
    officer = client_for(s.olga)
    assert_400_at(officer.post(url(hidden, "proposal/")), "status")
    assert_400_at(officer.post(url(s.season, "publish/")), "status")
    assert Season.objects.get(pk=s.season.pk).status == "open"


def test_publishing_with_a_wish_not_decided_is_400_naming_allocation(season_scene, client_for):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    assert_400_at(client_for(s.olga).post(url(s.season, "publish/")), "allocation")
    assert Season.objects.get(pk=s.season.pk).status == "closed"
