"""The season allocation API's lists make as many queries for 50 rows as for one."""

import datetime as dt

import pytest

from booking.models import Membership
from seasons import services
from seasons.models import Application, Season, Wish
from tests.booking.test_query_counts import count_queries
from tests.factories import MembershipFactory, OrganisationFactory
from tests.seasons.conftest import apply, wish


def more_seasons(s, n: int):
    for i in range(n):
        first = s.first + dt.timedelta(weeks=20 + i)
        season = services.season_create(
            by=s.olga, name=f"Sesong {i}", first_date=first,
            last_date=first + dt.timedelta(weeks=4),
            applications_open=s.season.applications_open,
            applications_close=s.season.applications_close,
            rooms=[s.gym_a, s.gym_b], sites=[s.site],
        )  # fmt: skip
        Season.objects.filter(pk=season.pk).update(status=Season.Status.OPEN)


def more_applications(s, n: int, members=()):
    """``n`` organisations with two wishes each; the first ``members`` join them all."""
    for i in range(n):
        organisation = OrganisationFactory(name=f"Lag {i:02}")
        user = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
        for member in members:
            MembershipFactory(organisation=organisation, user=member)
        apply(
            s.season,
            organisation,
            user,
            [
                wish(s.gym_a, weekday=i % 7, start="16:00", end="17:00", rank=1),
                wish(s.site, weekday=(i + 1) % 7, start="20:00", end="21:00", rank=2),
            ],
        )


def test_season_list(season_scene):
    s = season_scene
    one = {user: count_queries(user, "/api/v1/seasons/") for user in (s.olga, s.alice)}
    more_seasons(s, 49)
    assert Season.objects.count() == 50
    fifty = {user: count_queries(user, "/api/v1/seasons/") for user in (s.olga, s.alice)}
    assert one == fifty
    # session, user, groups, count, seasons, their sites, their rooms
    assert fifty[s.olga] == 7


def test_application_list(season_scene):
    s = season_scene
    path = f"/api/v1/seasons/{s.season.pk}/applications/"
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a), wish(s.site, rank=2, weekday=3)])
    one = {user: count_queries(user, path) for user in (s.olga, s.alice)}
    more_applications(s, 49, members=[s.alice])
    assert Application.objects.count() == 50
    fifty = {user: count_queries(user, path) for user in (s.olga, s.alice)}
    assert one == fifty
    # session, user, groups, season with its sites and rooms, count, applications, wishes
    assert fifty[s.olga] == 9


def set_status(season, status):
    Season.objects.filter(pk=season.pk).update(status=status)


@pytest.mark.parametrize("published", [False, True], ids=["proposed", "published"])
def test_allocation_list(season_scene, published):
    s = season_scene
    path = f"/api/v1/seasons/{s.season.pk}/allocation/"
    readers = (s.olga, s.alice) if published else (s.olga,)

    def propose_and_count():
        set_status(s.season, Season.Status.CLOSED)
        services.proposal_run(season=s.season, by=s.olga)
        if published:
            set_status(s.season, Season.Status.PUBLISHED)
        counts = {user: count_queries(user, path) for user in readers}
        set_status(s.season, Season.Status.OPEN)
        return counts

    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    one = propose_and_count()
    more_applications(s, 25, members=[s.alice])
    fifty = propose_and_count()
    assert Wish.objects.count() == 51
    assert one == fifty
    # session, user, groups, season with its sites and rooms, count, wishes with all
    assert fifty[s.olga] == 8
