"""The officer's board and decisions, publishing, and the organisation's decision page."""

import pytest

from booking.models import Booking, Membership
from seasons import services
from seasons.models import Allocation, Wish
from seasons.publish import season_publish
from tests.factories import MembershipFactory, OrganisationFactory
from tests.seasons.conftest import apply, wish
from tests.seasons.test_pages import PAGE_QUERY_BUDGET, client_for, closed_with_proposal, get

pytestmark = pytest.mark.django_db


def test_a_decision_without_a_reason_saves_nothing(season_scene):
    s = season_scene
    closed_with_proposal(s)
    target = Wish.objects.get(application__organisation=s.org_b, rank=1)
    before = Allocation.objects.get(pk=target.pk)
    url = f"/seasons/{s.season.pk}/board/wishes/{target.pk}/"
    page, _queries = get(s.olga, url)
    assert "Decide: Håndball" in page.content.decode()
    move = {"outcome": "place", "room": s.gym_b.pk, "weekday": "1", "start_time": "19:00"}
    move |= {"end_time": "20:30"}
    response = client_for(s.olga).post(url, move | {"note": "  "})
    assert response.status_code == 400 and response.context["form"].errors["note"]
    assert Allocation.objects.get(pk=target.pk).note == before.note
    response = client_for(s.olga).post(url, move | {"start_time": "12:00", "end_time": "13:00"})
    assert response.status_code == 400
    response = client_for(s.olga).post(url, move | {"start_time": "12:00", "note": "Tirsdag"})
    assert response.status_code == 400 and response.context["form"].errors
    response = client_for(s.olga).post(url, move | {"note": "Tirsdag passer bedre"})
    assert response.status_code == 302
    after = Allocation.objects.get(pk=target.pk)
    assert (after.outcome, after.weekday, after.note) == ("moved", 1, "Tirsdag passer bedre")


# The board


def test_the_board_marks_conflicts_in_words(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a, start="19:00", end="20:00")])
    page, _queries = get(s.olga, f"/seasons/{s.season.pk}/board/")
    html = page.content.decode()
    assert html.count("wish outcome-none conflict") == 4  # grid and list, two wishes
    assert "Conflict" in html
    filtered, _queries = get(s.olga, f"/seasons/{s.season.pk}/board/?organisation={s.org_a.pk}")
    assert s.org_b.name + ":" not in filtered.content.decode()
    assert 'conflict"' not in filtered.content.decode()


def test_the_board_makes_as_many_queries_for_30_applications_as_for_1(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    url = f"/seasons/{s.season.pk}/board/"
    _page, one = get(s.olga, url)
    for index in range(29):
        member = MembershipFactory(
            organisation=OrganisationFactory(), role=Membership.Role.ADMIN
        ).user
        weekday, hour = index % 7, 16 + index // 7
        apply(
            s.season,
            member.memberships.get().organisation,
            member,
            [wish(s.gym_b, weekday=weekday, start=f"{hour}:00", end=f"{hour}:55")],
        )
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)
    page, thirty = get(s.olga, url)
    assert page.content.decode().count('class="wish outcome-') == 60
    assert one == thirty <= PAGE_QUERY_BUDGET


# Publishing and the decision


def test_before_publishing_members_never_see_the_proposal(season_scene):
    s = season_scene
    closed_with_proposal(s)
    html = client_for(s.bob).get(f"/seasons/{s.season.pk}/").content.decode()
    assert "Gymsal B" not in html and "moved" not in html.lower() and "Moved" not in html


def test_publish_asks_first_then_shows_the_result_and_the_decision(
    season_scene, django_capture_on_commit_callbacks
):
    s = season_scene
    closed_with_proposal(s)
    olga = client_for(s.olga)
    response = olga.post(f"/seasons/{s.season.pk}/publish/")
    assert "Publish the season?" in response.content.decode()
    assert not Booking.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = olga.post(f"/seasons/{s.season.pk}/publish/", {"confirmed": "yes"})
    assert response.status_code == 200
    assert "3 wishes are booked now" in response.content.decode()
    page, queries = get(s.bob, f"/seasons/{s.season.pk}/")
    html = page.content.decode()
    assert queries <= PAGE_QUERY_BUDGET
    moved = Allocation.objects.get(wish__application__organisation=s.org_b, wish__rank=1)
    first = Booking.objects.filter(series=moved.series).order_by("start").first()
    assert "Moved" in html and "Gymsal B" in html
    assert f'href="/bookings/{first.pk}/"' in html
    assert html.count('<article class="decision"') == 1  # bob's organisation's only


def test_a_failed_wish_shows_its_error_on_the_decision(season_scene):
    s = season_scene
    closed_with_proposal(s)
    season_publish(season=s.season, by=s.olga)
    Allocation.objects.filter(wish__application__organisation=s.org_b).update(
        publish_error="Gymsal B er stengt"
    )
    html = client_for(s.bob).get(f"/seasons/{s.season.pk}/").content.decode()
    assert "Could not be booked: Gymsal B er stengt" in html


def test_the_decision_is_in_bokmal_and_nynorsk(season_scene):
    s = season_scene
    closed_with_proposal(s)
    season_publish(season=s.season, by=s.olga)
    bokmal = client_for(s.bob, "nb").get(f"/seasons/{s.season.pk}/").content.decode()
    nynorsk = client_for(s.bob, "nn").get(f"/seasons/{s.season.pk}/").content.decode()
    assert "Vedtaket" in bokmal and "Flyttet" in bokmal and "Dere har fått" in bokmal
    assert "Flytta" in nynorsk and "De har fått" in nynorsk


def test_publish_says_first_that_a_wish_has_no_decision(season_scene):
    s = season_scene
    closed_with_proposal(s)
    Allocation.objects.filter(wish__application__organisation=s.org_b).delete()
    olga = client_for(s.olga)
    html = olga.post(f"/seasons/{s.season.pk}/publish/").content.decode()
    assert "2 wishes have no decision yet: run the proposal first." in html
    assert "Yes, publish and book" not in html
    response = olga.post(f"/seasons/{s.season.pk}/publish/", {"confirmed": "yes"}, follow=True)
    assert "no decision yet" in response.content.decode()
    s.season.refresh_from_db()
    assert s.season.status == "closed" and not Booking.objects.exists()
