"""The demo's spring season (seasons/demo.py, added by `manage.py seed_demo`)."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from booking.models import Membership, OpeningHours, Room
from seasons.demo import spring
from seasons.explain import explain
from seasons.models import Allocation, Application, Season, Wish
from seasons.publish import season_publish

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Season, Application, Wish, Allocation, Room, OpeningHours)
    }


def organisation_of(username: str):
    return Membership.objects.get(user__username=username).organisation


def test_a_closed_spring_season_at_the_gym_halls_with_something_to_decide():
    seed()
    season = Season.objects.get()
    assert season.status == Season.Status.CLOSED and season.proposed_at is not None
    assert season.name.startswith("Vårsesongen")
    assert {(r.site.name, r.name) for r in season.rooms.all()} == {
        ("Bjørkelia skole", "Gymsal"),
        ("Solbakken ungdomsskole", "Gymsal"),
    }
    assert all(r.opening_hours.exists() and r.hourly_price > 0 for r in season.rooms.all())
    assert {a.organisation for a in season.applications.all()} == {
        organisation_of(name) for name in ("demo-member", "demo-member2", "demo-business")
    }
    allocations = list(Allocation.objects.filter(wish__application__season=season))
    assert len(allocations) == Wish.objects.filter(application__season=season).count() == 8
    outcomes = Counter(a.outcome for a in allocations)
    assert outcomes["granted"] and outcomes["moved"] and outcomes["denied"], outcomes
    for allocation in allocations:
        assert explain(allocation.explanation, allocation.note), allocation


def test_running_twice_changes_nothing():
    seed()
    before = counts()
    proposed_at = Season.objects.get().proposed_at
    again = seed()
    assert counts() == before
    assert Season.objects.get().proposed_at == proposed_at
    assert "nothing changed" in again


def test_the_demo_officer_can_publish_it():
    seed()
    season = Season.objects.get()
    officer = season.created_by
    assert officer.username == "demo-officer"
    result = season_publish(season=season, by=officer)
    placed = Allocation.objects.filter(wish__application__season=season, room__isnull=False)
    assert result.failed == {}
    assert sorted(result.booked) == sorted(placed.values_list("pk", flat=True))
    assert result.letters == 3


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 11, 30), dt.date(2027, 1, 4), dt.date(2027, 6, 13)),
        (dt.date(2027, 7, 1), dt.date(2028, 1, 10), dt.date(2028, 6, 13)),
        # The spring has begun: from a Monday two weeks ahead.
        (dt.date(2027, 3, 10), dt.date(2027, 3, 29), dt.date(2027, 6, 13)),
        # Too little of it left: eight weeks, whatever the name says.
        (dt.date(2027, 6, 1), dt.date(2027, 6, 21), dt.date(2027, 8, 15)),
    ],
)
def test_the_spring_is_the_coming_one(today, first, last):
    name, begins, ends = spring(today)
    assert (begins, ends) == (first, last)
    assert begins.weekday() == 0 and begins >= today + dt.timedelta(days=14)
    assert name == f"Vårsesongen {first.year} i gymsalene"


def test_the_demo_officer_sees_the_board_with_what_to_decide():
    seed()
    season = Season.objects.get()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(season.created_by)
    response = client.get(f"/seasons/{season.pk}/board/")
    assert response.status_code == 200
    html = response.content.decode()
    for wish in Wish.objects.filter(application__season=season):
        assert wish.activity in html, wish
    # The proposal settled the conflicts; what it moved and denied is for the officer.
    for outcome in ("granted", "moved", "denied"):
        assert f"wish outcome-{outcome}" in html, outcome
