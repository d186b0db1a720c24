"""The season allocation API: who may do what (alice, org A's admin; bob, org B's member;
olga, the officer; anonymous), and the way from a season to published weekly bookings."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command

from booking.models import BookingSeries
from seasons import services
from seasons.models import Allocation, Application, Season, Wish
from seasons.publish import season_publish
from tests.seasons.conftest import apply, wish

SEASONS = "/api/v1/seasons/"


def url(season, tail=""):
    return f"{SEASONS}{season.pk}/{tail}"


def wish_body(place, weekday=0, start="18:00", end="19:30", rank=1, **extra) -> dict:
    """A wish as a client sends it: ``place`` is a room or a site."""
    room = place if hasattr(place, "site_id") else None
    return {
        "room": room.pk if room else None,
        "site": room.site_id if room else place.pk,
        "weekday": weekday,
        "start_time": start,
        "end_time": end,
        "attendees": extra.pop("attendees", 20),
        "activity": extra.pop("activity", "Håndball"),
        "children_and_youth": extra.pop("children_and_youth", False),
        "rank": rank,
        **extra,
    }


def application_body(organisation, wishes, **fields) -> dict:
    return {
        "organisation": organisation.pk,
        "contact_name": "Kari Nordmann",
        "contact_email": "kari@example.org",
        "wishes": wishes,
        **fields,
    }


def season_body(scene, **fields) -> dict:
    first = scene.first + dt.timedelta(weeks=26)
    return {
        "name": "Haustsesongen",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(weeks=12)).isoformat(),
        "applications_open": f"{(first - dt.timedelta(weeks=8)).isoformat()}T08:00",
        "applications_close": f"{(first - dt.timedelta(weeks=2)).isoformat()}T23:59",
        "sites": [scene.site.pk],
        **fields,
    }


def draft(scene) -> Season:
    first = scene.first + dt.timedelta(weeks=30)
    return services.season_create(
        by=scene.olga, name="Utkast", first_date=first,
        last_date=first + dt.timedelta(weeks=4),
        applications_open=scene.season.applications_open,
        applications_close=scene.season.applications_close, rooms=[scene.gym_a],
    )  # fmt: skip


def refused(response) -> bool:
    return response.status_code in (401, 403)


# --- Seasons ----------------------------------------------------------------------------


def test_officers_list_every_season_members_never_a_draft(season_scene, client_for):
    s = season_scene
    hidden = draft(s)
    officer = client_for(s.olga).get(SEASONS).json()["results"]
    assert {row["id"] for row in officer} == {s.season.pk, hidden.pk}
    for member in (s.alice, s.bob):
        rows = client_for(member).get(SEASONS).json()["results"]
        assert [row["id"] for row in rows] == [s.season.pk]
        assert rows[0]["status"] == "open" and rows[0]["accepts_applications"] is True
        assert rows[0]["sites"] == [s.site.pk]
        assert client_for(member).get(url(hidden)).status_code == 404
        assert client_for(member).get(url(hidden, "applications/")).status_code == 404
    assert client_for(s.olga).get(url(hidden)).json()["status"] == "draft"
    assert refused(client_for(None).get(SEASONS))
    assert refused(client_for(None).get(url(s.season)))


def test_officers_create_a_season_members_may_not(season_scene, client_for):
    s = season_scene
    before = Season.objects.count()
    for user in (None, s.alice, s.bob):
        assert refused(client_for(user).post(SEASONS, season_body(s), format="json"))
    assert Season.objects.count() == before
    response = client_for(s.olga).post(
        SEASONS, season_body(s, priorities=["members_under_20", "application_time"]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["priorities"] == ["members_under_20", "application_time"]
    assert body["applications_open"].endswith("T08:00:00+02:00") or body[
        "applications_open"
    ].endswith("T08:00:00+01:00")
    created = Season.objects.get(pk=body["id"])
    assert created.created_by == s.olga and list(created.sites.all()) == [s.site]


def test_officers_open_and_close(season_scene, client_for):
    s = season_scene
    hidden = draft(s)
    for user in (None, s.alice):
        assert refused(client_for(user).post(url(hidden, "open/")))
    assert Season.objects.get(pk=hidden.pk).status == "draft"
    officer = client_for(s.olga)
    response = officer.post(url(hidden, "close/"))
    assert response.status_code == 400 and "status" in response.json()
    assert officer.post(url(hidden, "open/")).json()["status"] == "open"
    assert officer.post(url(hidden, "close/")).json()["status"] == "closed"
    assert Season.objects.get(pk=hidden.pk).status == "closed"


# --- Applications -----------------------------------------------------------------------


def test_a_member_applies_for_their_organisation(season_scene, client_for):
    s = season_scene
    wishes = [wish_body(s.gym_a, rank=1), wish_body(s.site, weekday=2, rank=2, start="17:00")]
    response = client_for(s.alice).post(
        url(s.season, "applications/"),
        application_body(s.org_a, wishes, contact_phone="912 34 567"),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact_phone"] == "+4791234567"
    assert body["organisation"] == s.org_a.pk and body["submitted_by"] == "alice"
    assert [(w["rank"], w["room"], w["site"], w["start_time"]) for w in body["wishes"]] == [
        (1, s.gym_a.pk, s.site.pk, "18:00"),
        (2, None, s.site.pk, "17:00"),
    ]
    assert body["wishes"][0]["room_name"] == "Gymsal A"
    assert body["members_checked"] is False
    assert Wish.objects.filter(application_id=body["id"]).count() == 2


def test_applying_for_someone_elses_organisation_is_400_naming_it(season_scene, client_for):
    s = season_scene
    response = client_for(s.bob).post(
        url(s.season, "applications/"),
        application_body(s.org_a, [wish_body(s.gym_a)]),
        format="json",
    )
    assert response.status_code == 400 and "organisation" in response.json()
    assert not Application.objects.exists()


def test_a_second_application_is_400_and_patch_changes_it(season_scene, client_for):
    s = season_scene
    alice = client_for(s.alice)
    first = alice.post(
        url(s.season, "applications/"),
        application_body(s.org_a, [wish_body(s.gym_a)]),
        format="json",
    ).json()
    again = alice.post(
        url(s.season, "applications/"),
        application_body(s.org_a, [wish_body(s.gym_b)]),
        format="json",
    )
    assert again.status_code == 400 and "organisation" in again.json()
    detail = url(s.season, f"applications/{first['id']}/")
    changed = alice.patch(detail, {"contact_name": "Ola"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["contact_name"] == "Ola"
    assert [w["room"] for w in changed.json()["wishes"]] == [s.gym_a.pk]
    replaced = alice.patch(
        detail, {"wishes": [wish_body(s.gym_b, weekday=3, end="20:00")]}, format="json"
    ).json()
    assert [(w["room"], w["weekday"], w["end_time"]) for w in replaced["wishes"]] == [
        (s.gym_b.pk, 3, "20:00")
    ]
    assert replaced["contact_name"] == "Ola"
    assert Application.objects.count() == 1 and Wish.objects.get().room == s.gym_b


def test_who_reads_which_application(season_scene, client_for):
    s = season_scene
    mine = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    theirs = apply(s.season, s.org_b, s.bob, [wish(s.gym_b)])
    listed = {}
    for user in (s.alice, s.bob, s.olga):
        rows = client_for(user).get(url(s.season, "applications/")).json()["results"]
        listed[user] = {row["id"] for row in rows}
    assert listed == {s.alice: {mine.pk}, s.bob: {theirs.pk}, s.olga: {mine.pk, theirs.pk}}
    other = url(s.season, f"applications/{mine.pk}/")
    assert client_for(s.bob).get(other).status_code == 404
    response = client_for(s.bob).patch(other, {"contact_name": "Bob"}, format="json")
    assert response.status_code == 404
    assert Application.objects.get(pk=mine.pk).contact_name != "Bob"
    assert client_for(s.olga).get(other).json()["organisation_name"] == s.org_a.name
    assert refused(client_for(None).get(url(s.season, "applications/")))
    assert refused(client_for(None).get(other))


def test_applications_close_with_the_season(season_scene, client_for):
    s = season_scene
    mine = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    response = client_for(s.alice).patch(
        url(s.season, f"applications/{mine.pk}/"), {"contact_name": "Ny"}, format="json"
    )
    assert response.status_code == 400 and "season" in response.json()
    assert Application.objects.get().contact_name != "Ny"


def test_officers_check_the_members_under_20(season_scene, client_for):
    s = season_scene
    mine = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)], members_under_20=40)
    check = url(s.season, f"applications/{mine.pk}/members-check/")
    for user in (None, s.alice, s.bob):
        assert refused(client_for(user).post(check, {}, format="json"))
    assert Application.objects.get().members_checked_by is None
    response = client_for(s.olga).post(check, {}, format="json")
    assert response.status_code == 200 and response.json()["members_checked"] is True
    assert Application.objects.get().members_checked_by == s.olga
    withdrawn = client_for(s.olga).post(check, {"checked": False}, format="json").json()
    assert withdrawn["members_checked"] is False


# --- Proposal, decisions, publishing ----------------------------------------------------


@pytest.fixture
def contested(season_scene):
    """alice (children and youth) and bob both ask for Gymsal A on Monday 18:00."""
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a, activity="Korps")])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    return s


def by_organisation(rows):
    return {row["organisation"]: row for row in rows}


def test_the_proposal_says_for_each_wish_what_and_why(contested, client_for):
    s = contested
    for user in (None, s.alice, s.bob):
        assert refused(client_for(user).post(url(s.season, "proposal/")))
    assert not Allocation.objects.exists()
    response = client_for(s.olga).post(url(s.season, "proposal/"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    rows = by_organisation(response.json())
    granted, moved = rows[s.org_a.pk], rows[s.org_b.pk]
    assert granted["outcome"] == "granted" and granted["organisation_name"] == s.org_a.name
    assert granted["placed"]["room"] == s.gym_a.pk and granted["placed"]["start_time"] == "18:00"
    assert granted["reason"].startswith("Granted") and granted["explanation"]["code"] == "granted"
    assert granted["decided_by"] is None
    assert moved["outcome"] == "moved" and moved["placed"]["room_name"] == "Gymsal B"
    assert moved["asked"] == {
        "site": s.site.pk, "site_name": s.site.name, "room": s.gym_a.pk,
        "room_name": "Gymsal A", "weekday": 0, "start_time": "18:00", "end_time": "19:30",
    }  # fmt: skip
    assert moved["reason"].startswith("Moved") and moved["activity"] == "Korps"
    listed = client_for(s.olga).get(url(s.season, "allocation/"), HTTP_ACCEPT_LANGUAGE="en")
    listed = listed.json()["results"]
    assert by_organisation(listed) == rows
    assert "children and youth activity" in granted["reason"]
    bokmål = client_for(s.olga).get(url(s.season, "allocation/"), HTTP_ACCEPT_LANGUAGE="nb")
    reason = by_organisation(bokmål.json()["results"])[s.org_a.pk]["reason"]
    assert "aktivitet for barn og unge" in reason


def test_members_read_only_their_own_decisions_and_only_once_published(contested, client_for):
    s = contested
    services.proposal_run(season=s.season, by=s.olga)
    for user in (s.alice, s.bob):
        assert client_for(user).get(url(s.season, "allocation/")).status_code == 403
    assert refused(client_for(None).get(url(s.season, "allocation/")))
    client_for(s.olga).post(url(s.season, "publish/"))
    mine = client_for(s.alice).get(url(s.season, "allocation/")).json()["results"]
    assert [row["organisation"] for row in mine] == [s.org_a.pk]
    assert mine[0]["series"] is not None
    assert refused(client_for(None).get(url(s.season, "allocation/")))


def test_an_officer_moves_a_wish_with_a_reason(contested, client_for):
    s = contested
    services.proposal_run(season=s.season, by=s.olga)
    target = Wish.objects.get(application__organisation=s.org_b)
    decision = url(s.season, f"allocation/{target.pk}/")
    body = {"outcome": "moved", "room": s.gym_b.pk, "start_time": "20:00", "end_time": "21:30",
            "note": "Korpset øver seinare"}  # fmt: skip
    for user in (None, s.alice, s.bob):
        assert refused(client_for(user).patch(decision, body, format="json"))
    assert Allocation.objects.get(pk=target.pk).decided_by is None
    response = client_for(s.olga).patch(decision, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["outcome"] == "moved" and row["decided_by"] == "olga"
    assert row["placed"]["start_time"] == "20:00" and row["note"] == "Korpset øver seinare"
    assert row["reason"] == "Decided by the booking office: Korpset øver seinare"
    saved = Allocation.objects.get(pk=target.pk)
    assert (saved.room, saved.start_time, saved.decided_by) == (s.gym_b, dt.time(20), s.olga)
    denied = client_for(s.olga).patch(
        decision, {"outcome": "denied", "note": "Fullt"}, format="json"
    )
    assert denied.json()["placed"] is None and denied.json()["outcome"] == "denied"


def test_a_wish_of_another_season_is_404(contested, client_for):
    s = contested
    other = draft(s)
    target = Wish.objects.first()
    response = client_for(s.olga).patch(
        url(other, f"allocation/{target.pk}/"), {"outcome": "denied", "note": "x"}, format="json"
    )
    assert response.status_code == 404


def test_publish_books_and_writes_once(contested, client_for, django_capture_on_commit_callbacks):
    s = contested
    client_for(s.olga).post(url(s.season, "proposal/"))
    for user in (None, s.alice, s.bob):
        assert refused(client_for(user).post(url(s.season, "publish/")))
    assert not BookingSeries.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(s.olga).post(url(s.season, "publish/"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["booked"]) == sorted(Wish.objects.values_list("pk", flat=True))
    assert body["failed"] == {} and body["letters"] == 2 and len(mail.outbox) == 2
    assert BookingSeries.objects.count() == 2
    again = client_for(s.olga).post(url(s.season, "publish/"))
    assert again.status_code == 200
    assert again.json() == {"booked": [], "failed": {}, "letters": 0}
    assert BookingSeries.objects.count() == 2
    assert client_for(s.olga).get(url(s.season)).json()["status"] == "published"


def test_members_are_not_told_which_officer_decided(contested, client_for):
    s = contested
    services.proposal_run(season=s.season, by=s.olga)
    target = Wish.objects.get(application__organisation=s.org_b)
    services.allocation_set(wish=target, by=s.olga, outcome="denied", note="Fullt")
    season_publish(season=s.season, by=s.olga)
    as_bob = client_for(s.bob).get(url(s.season, "allocation/")).json()["results"]
    assert [r["decided_by"] for r in as_bob] == ["officer"]
    assert "olga" not in json.dumps(as_bob)
    as_olga = client_for(s.olga).get(url(s.season, "allocation/")).json()["results"]
    assert "olga" in [r["decided_by"] for r in as_olga]


def test_the_schema_documents_every_season_endpoint(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/v1/seasons/:",
        "/api/v1/seasons/{id}/:",
        "/api/v1/seasons/{id}/open/:",
        "/api/v1/seasons/{id}/close/:",
        "/api/v1/seasons/{id}/applications/:",
        "/api/v1/seasons/{id}/applications/{application}/:",
        "/api/v1/seasons/{id}/applications/{application}/members-check/:",
        "/api/v1/seasons/{id}/proposal/:",
        "/api/v1/seasons/{id}/allocation/:",
        "/api/v1/seasons/{id}/allocation/{wish}/:",
        "/api/v1/seasons/{id}/publish/:",
    ):
        assert f"  {path}\n" in schema, path
