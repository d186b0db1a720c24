"""The season pages without a browser: permissions, the application and season forms and
their errors, the officer's actions, and query budgets."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seasons import services
from seasons.models import Allocation, Application, Season, Wish
from tests.factories import MembershipFactory
from tests.seasons.conftest import apply, wish

pytestmark = pytest.mark.django_db

PAGE_QUERY_BUDGET = 10


def client_for(user, language="en"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def get(user, url, status=200):
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response, len(queries)


def wish_rows(*rows, total=3) -> dict:
    """The application form's POST: contact fields and wish rows (the rest left empty)."""
    data = {
        "contact_name": "Alice Ås",
        "contact_email": "alice@example.org",
        "contact_phone": "",
        "members_under_20": "",
        "note": "",
        "wishes-TOTAL_FORMS": str(max(total, len(rows))),
        "wishes-INITIAL_FORMS": "0",
        "wishes-MIN_NUM_FORMS": "0",
        "wishes-MAX_NUM_FORMS": "20",
        "save": "1",
    }
    for index, row in enumerate(rows):
        data |= {f"wishes-{index}-{key}": value for key, value in row.items()}
    return data


def row(place, weekday="0", start="18:00", end="19:30", rank="1", **extra) -> dict:
    return {
        "place": place,
        "weekday": weekday,
        "start_time": start,
        "end_time": end,
        "attendees": extra.get("attendees", "20"),
        "activity": extra.get("activity", "Håndball"),
        "rank": rank,
        **({"children_and_youth": "on"} if extra.get("children") else {}),
    }


def closed_with_proposal(s):
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a, rank=1), wish(s.site, weekday=2, rank=2)])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)


# Permissions


@pytest.mark.parametrize(
    "path",
    ["/seasons/", "/seasons/new/", "/seasons/{s}/", "/seasons/{s}/apply/", "/seasons/{s}/board/"],
)
def test_anonymous_is_sent_to_log_in(season_scene, path):
    response = Client().get(path.format(s=season_scene.season.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/seasons/new/"),
        ("get", "/seasons/{s}/board/"),
        ("get", "/seasons/{s}/board/wishes/{w}/"),
        ("post", "/seasons/{s}/board/wishes/{w}/"),
        ("post", "/seasons/{s}/status/"),
        ("post", "/seasons/{s}/proposal/"),
        ("post", "/seasons/{s}/publish/"),
        ("post", "/seasons/{s}/applications/{a}/check/"),
    ],
)
def test_officer_pages_refuse_members(season_scene, method, path):
    s = season_scene
    application = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    url = path.format(s=s.season.pk, w=application.wishes.get().pk, a=application.pk)
    response = getattr(client_for(s.alice), method)(url, {"status": "closed", "note": "x"})
    assert response.status_code == 403
    s.season.refresh_from_db()
    assert s.season.status == "open" and not Allocation.objects.exists()


def test_a_draft_is_not_there_for_members(season_scene):
    s = season_scene
    Season.objects.filter(pk=s.season.pk).update(status="draft")
    get(s.alice, f"/seasons/{s.season.pk}/", status=404)
    get(s.alice, f"/seasons/{s.season.pk}/apply/", status=404)
    response, _queries = get(s.alice, "/seasons/")
    assert s.season.name not in response.content.decode()
    response, _queries = get(s.olga, "/seasons/")
    assert s.season.name in response.content.decode()


def test_another_organisations_application_is_not_found(season_scene):
    s = season_scene
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a)])
    get(s.alice, f"/seasons/{s.season.pk}/apply/?organisation={s.org_b.pk}", status=404)
    response, _queries = get(s.alice, f"/seasons/{s.season.pk}/")
    assert s.org_b.name not in response.content.decode()


def test_someone_in_no_organisation_may_not_apply(season_scene):
    get(season_scene.dora, f"/seasons/{season_scene.season.pk}/apply/", status=200)
    get(season_scene.carl, f"/seasons/{season_scene.season.pk}/apply/", status=403)


# The application form


def test_apply_with_three_ranked_wishes(season_scene):
    s = season_scene
    url = f"/seasons/{s.season.pk}/apply/"
    page = client_for(s.alice).get(url).content.decode()
    assert 'name="wishes-2-place"' in page and 'name="wishes-3-place"' not in page
    data = wish_rows(
        row(f"room-{s.gym_a.pk}", rank="2"),
        row(f"site-{s.site.pk}", weekday="2", rank="1", children=True),
        row(f"room-{s.gym_b.pk}", weekday="4", start="17:00", end="18:00", rank="3"),
    )
    response = client_for(s.alice).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(season=s.season, organisation=s.org_a)
    wishes = list(application.wishes.order_by("rank"))
    assert [(w.weekday, w.room_id, w.children_and_youth) for w in wishes] == [
        (2, None, True),
        (0, s.gym_a.pk, False),
        (4, s.gym_b.pk, False),
    ]
    page = client_for(s.alice).get(url).content.decode()  # editing shows them again
    assert f'value="room-{s.gym_b.pk}" selected' in page and 'value="17:00"' in page
    assert 'name="wishes-3-place"' in page  # one empty row to add a wish


def test_a_bad_time_is_shown_on_its_row_and_nothing_is_saved(season_scene):
    s = season_scene
    data = wish_rows(row(f"room-{s.gym_a.pk}"), row(f"room-{s.gym_a.pk}", end="17:00", rank="2"))
    response = client_for(s.alice).post(f"/seasons/{s.season.pk}/apply/", data)
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["end_time"]
    assert not Application.objects.exists()


def test_the_service_errors_are_shown_next_to_the_row_and_field(season_scene):
    s = season_scene
    url = f"/seasons/{s.season.pk}/apply/"
    data = wish_rows(row(f"room-{s.gym_a.pk}"), row(f"room-{s.gym_a.pk}", start="18:03", rank="2"))
    response = client_for(s.alice).post(url, data)
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["start_time"] == ["Use whole five minutes."]
    data = wish_rows(row(f"room-{s.gym_a.pk}"), row(f"room-{s.gym_b.pk}", rank="1"))
    response = client_for(s.alice).post(url, data)
    assert response.status_code == 400
    assert "Rank the wishes 1, 2, 3" in response.content.decode()
    assert not Wish.objects.exists()


def test_add_another_wish_keeps_what_was_typed(season_scene):
    s = season_scene
    data = wish_rows(row(f"room-{s.gym_a.pk}", activity="Turn")) | {"add": "1"}
    del data["save"]
    response = client_for(s.alice).post(f"/seasons/{s.season.pk}/apply/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="wishes-3-place"' in page and 'value="Turn"' in page
    assert not Application.objects.exists()


def test_after_the_deadline_the_application_is_read_only(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, activity="Turn")])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    response = client_for(s.alice).get(f"/seasons/{s.season.pk}/apply/")
    page = response.content.decode()
    assert "Turn" in page and '<form method="post" action="/seasons/' not in page
    response = client_for(s.alice).post(
        f"/seasons/{s.season.pk}/apply/", wish_rows(row(f"room-{s.gym_a.pk}"))
    )
    assert Wish.objects.get().activity == "Turn"


# A new season


def season_form(**changes) -> dict:
    first = timezone.localdate() + dt.timedelta(weeks=10)
    data = {
        "name": "Høstsesongen",
        "first_date": first.isoformat(),
        "last_date": (first + dt.timedelta(weeks=12)).isoformat(),
        "open_date": timezone.localdate().isoformat(),
        "open_time": "08:00",
        "close_date": (first - dt.timedelta(weeks=2)).isoformat(),
        "close_time": "23:59",
        "tolerance_minutes": "60",
        "priority_1": "children_and_youth",
        "priority_2": "members_under_20",
    }
    return data | changes


def test_officer_creates_a_season(season_scene):
    s = season_scene
    response = client_for(s.olga).post("/seasons/new/", season_form(rooms=[s.gym_b.pk]))
    season = Season.objects.get(name="Høstsesongen")
    assert response.status_code == 302 and response["Location"] == f"/seasons/{season.pk}/"
    assert season.status == "draft" and list(season.rooms.all()) == [s.gym_b]
    assert season.priorities == ["children_and_youth", "members_under_20"]


def test_a_time_in_the_spring_gap_is_named_on_its_field(season_scene):
    s = season_scene
    year = timezone.localdate().year + 1
    march_end = dt.date(year, 3, 31)
    gap_day = march_end - dt.timedelta(days=(march_end.weekday() + 1) % 7)  # last Sunday
    data = season_form(
        sites=[s.site.pk],
        first_date=dt.date(year, 8, 1).isoformat(),
        last_date=dt.date(year, 12, 1).isoformat(),
        open_date=(gap_day - dt.timedelta(days=30)).isoformat(),
        close_date=gap_day.isoformat(),
        close_time="02:30",
    )
    response = client_for(s.olga).post("/seasons/new/", data)
    assert response.status_code == 400
    assert "does not exist" in response.context["form"].errors["close_time"][0]
    assert not Season.objects.filter(name="Høstsesongen").exists()


def test_a_season_needs_rooms_and_distinct_priorities(season_scene):
    client = client_for(season_scene.olga)
    response = client.post("/seasons/new/", season_form(priority_2="children_and_youth"))
    assert response.status_code == 400
    assert response.context["form"].errors["priority_2"]
    response = client.post("/seasons/new/", season_form())
    assert response.context["form"].errors["rooms"]
    assert not Season.objects.filter(name="Høstsesongen").exists()


# The officer's actions


def test_open_close_and_a_repeated_proposal_asks_first(season_scene):
    s = season_scene
    olga = client_for(s.olga)
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    olga.post(f"/seasons/{s.season.pk}/status/", {"status": "closed"})
    s.season.refresh_from_db()
    assert s.season.status == "closed"
    response = olga.post(f"/seasons/{s.season.pk}/proposal/")
    assert response.status_code == 302 and Allocation.objects.count() == 1
    Allocation.objects.update(outcome="denied", room=None)  # so that a re-run shows
    response = olga.post(f"/seasons/{s.season.pk}/proposal/")
    assert response.status_code == 200 and "Run the proposal again?" in response.content.decode()
    assert Allocation.objects.get().outcome == "denied"
    olga.post(f"/seasons/{s.season.pk}/proposal/", {"confirmed": "yes"})
    assert Allocation.objects.get().outcome == "granted"


def test_officer_checks_members_under_20(season_scene):
    s = season_scene
    application = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)], members_under_20=40)
    page = client_for(s.olga).get(f"/seasons/{s.season.pk}/").content.decode()
    assert "40 members under 20" in page
    client_for(s.olga).post(f"/seasons/{s.season.pk}/applications/{application.pk}/check/")
    application.refresh_from_db()
    assert application.members_checked_by == s.olga


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("alice", "/seasons/"),
        ("olga", "/seasons/"),
        ("olga", "/seasons/new/"),
        ("olga", "/seasons/{s}/"),
        ("alice", "/seasons/{s}/"),
        ("alice", "/seasons/{s}/apply/"),
        ("olga", "/seasons/{s}/board/"),
        ("olga", "/seasons/{s}/board/wishes/{w}/"),
    ],
)
def test_every_season_page_stays_within_its_query_budget(season_scene, who, path):
    s = season_scene
    closed_with_proposal(s)
    url = path.format(s=s.season.pk, w=Wish.objects.first().pk)
    _page, count = get(getattr(s, who), url)
    assert count <= PAGE_QUERY_BUDGET, (url, count)


def test_a_member_of_two_organisations_chooses_which_applies(season_scene):
    s = season_scene
    MembershipFactory(user=s.alice, organisation=s.org_b)
    page, _queries = get(s.alice, f"/seasons/{s.season.pk}/apply/")
    html = page.content.decode()
    assert "Apply for which organisation?" in html
    assert f"?organisation={s.org_a.pk}" in html and f"?organisation={s.org_b.pk}" in html
    page, _queries = get(s.alice, f"/seasons/{s.season.pk}/apply/?organisation={s.org_b.pk}")
    assert page.context["organisation"] == s.org_b
