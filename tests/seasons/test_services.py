"""Seasons, applications, the proposal and an officer's decisions through the services:
who may, what is refused (naming the field) and that a refusal saves nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from booking.models import Booking, Closure
from booking.timeutil import instant
from seasons import services
from seasons.facts import season_facts
from seasons.models import Allocation, Application, Season, Wish
from tests.factories import BookingFactory, RoomFactory, SiteFactory
from tests.seasons.conftest import apply, wish


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_only_officers_make_seasons(season_scene):
    s = season_scene
    values = {
        "name": "Høst", "first_date": s.first, "last_date": s.first + dt.timedelta(days=30),
        "applications_open": timezone.now(),
        "applications_close": timezone.now() + dt.timedelta(days=3), "sites": [s.site],
    }  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.season_create(by=s.alice, **values)
    with pytest.raises(ValidationError) as bad:
        services.season_create(by=s.olga, **values | {"last_date": s.first - dt.timedelta(1)})
    assert "last_date" in errors(bad)
    with pytest.raises(ValidationError) as bad:
        services.season_create(by=s.olga, **values | {"priorities": ["loudest", "loudest"]})
    assert "priorities" in errors(bad)
    with pytest.raises(ValidationError) as bad:
        services.season_create(by=s.olga, **values | {"sites": []})
    assert "rooms" in errors(bad)
    assert Season.objects.count() == 1


def test_an_application_replaces_its_wishes_and_is_one_per_organisation(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a), wish(s.site, rank=2)])
    apply(s.season, s.org_a, s.alice, [wish(s.gym_b, weekday=2)], members_under_20=30)
    application = Application.objects.get()
    assert [(w.room_id, w.weekday) for w in application.wishes.all()] == [(s.gym_b.pk, 2)]
    assert application.members_under_20 == 30


def test_a_bad_wish_saves_nothing(season_scene):
    s = season_scene
    other_room = RoomFactory(site=SiteFactory(name="Annen skole"))
    cases = [
        ([wish(s.gym_a), wish(s.gym_a, rank=1)], "wishes"),
        ([wish(other_room)], "wishes[0].room"),
        ([wish(s.gym_a), wish(s.gym_a, rank=2, start="20:00", end="19:00")], "wishes[1].end_time"),
        ([wish(s.gym_a, attendees=-3)], "wishes[0].attendees"),
        ([wish(s.gym_a, activity="x" * 100_000)], "wishes[0].activity"),
        ([wish(s.gym_a, weekday=9)], "wishes[0].weekday"),
        ([wish(s.gym_a, start="18:03")], "wishes[0].start_time"),
        ([], "wishes"),
    ]
    for wishes, field in cases:
        with pytest.raises(ValidationError) as bad:
            apply(s.season, s.org_a, s.alice, wishes)
        assert field in errors(bad), (field, errors(bad))
    with pytest.raises(ValidationError) as bad:
        apply(s.season, s.org_a, s.bob, [wish(s.gym_a)])  # bob is not in org A
    assert "organisation" in errors(bad)
    assert not Application.objects.exists() and not Wish.objects.exists()


def test_no_application_outside_the_window_or_before_opening(season_scene):
    s = season_scene
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    with pytest.raises(ValidationError) as bad:
        apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    assert "season" in errors(bad)
    services.season_set_status(season=s.season, by=s.olga, status="open")
    Season.objects.filter(pk=s.season.pk).update(applications_close=timezone.now())
    with pytest.raises(ValidationError):
        apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    assert not Application.objects.exists()


def test_members_under_20_count_only_once_checked_and_again_after_a_change(season_scene):
    s = season_scene
    application = apply(s.season, s.org_a, s.alice, [wish(s.gym_a)], members_under_20=80)
    assert season_facts(s.season).wishes[0].members_under_20 == 0
    with pytest.raises(PermissionDenied):
        services.application_check_members(application=application, by=s.alice)
    services.application_check_members(application=application, by=s.olga)
    assert season_facts(s.season).wishes[0].members_under_20 == 80
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)], members_under_20=500)
    assert season_facts(s.season).wishes[0].members_under_20 == 0


def _allocations(season):
    return {
        a.wish.application.organisation_id: a
        for a in Allocation.objects.filter(wish__application__season=season).select_related(
            "wish__application"
        )
    }


def test_an_officers_decision_needs_a_reason_a_free_time_and_holds_when_rerun(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a)])
    with pytest.raises(PermissionDenied):
        services.proposal_run(season=s.season, by=s.alice)
    services.proposal_run(season=s.season, by=s.olga)
    b_wish = Wish.objects.get(application__organisation=s.org_b)
    with pytest.raises(ValidationError) as bad:
        services.allocation_set(wish=b_wish, by=s.olga, outcome="granted", note=" ")
    assert "note" in errors(bad)
    with translation.override("en"), pytest.raises(ValidationError) as bad:
        # org A holds Gymsal A at 18:00
        services.allocation_set(wish=b_wish, by=s.olga, outcome="granted", note="Ok", room=s.gym_a)
    assert "start_time" in errors(bad)
    assert errors(bad)["start_time"] == ["18:00 is held by Ås Sjakklubb, with higher priority"]
    moved = services.allocation_set(
        wish=b_wish, by=s.olga, outcome="moved", note="Avtalt på telefon", room=s.gym_a,
        start_time=dt.time(20), end_time=dt.time(21, 30),
    )  # fmt: skip
    assert (moved.outcome, moved.decided_by) == ("moved", s.olga)
    services.proposal_run(season=s.season, by=s.olga)  # run again: the officer's stays
    kept = _allocations(s.season)[s.org_b.pk]
    assert (kept.room_id, kept.start_time, kept.note) == (
        s.gym_a.pk,
        dt.time(20),
        "Avtalt på telefon",
    )
    placed = [(a.room_id, a.start_time) for a in _allocations(s.season).values()]
    assert sorted(placed) == [(s.gym_a.pk, dt.time(18)), (s.gym_a.pk, dt.time(20))]


def test_facts_read_closures_bookings_holidays_and_last_season(season_scene):
    s = season_scene
    # A closure over one Monday, a booking on another, Monday 18–19
    monday = s.first + dt.timedelta(weeks=2)
    Closure.objects.create(site=s.site, start=instant(monday, dt.time(17)),
                           end=instant(monday, dt.time(23)), reason="Eksamen")  # fmt: skip
    other = s.first + dt.timedelta(weeks=4)
    BookingFactory(room=s.gym_a, start=instant(other, dt.time(18)), end=instant(other, dt.time(19)))
    BookingFactory(room=s.gym_a, start=instant(other, dt.time(10)), end=instant(other, dt.time(11)),
                   status=Booking.Status.CANCELLED)  # fmt: skip
    facts = season_facts(s.season)
    assert facts.booked[(s.gym_a.pk, 0)] == [(18 * 60, 19 * 60, other)]
    assert facts.closed[(s.gym_a.pk, 0)] == [(17 * 60, 23 * 60, monday)]
    assert facts.closed[(s.gym_b.pk, 0)] == [(17 * 60, 23 * 60, monday)]
    assert set(facts.rooms) == {s.gym_a.pk, s.gym_b.pk}


def test_public_holidays_are_not_season_days(people):
    easter = dt.date(2027, 3, 29)  # Easter Monday 2027 (2. påskedag)
    site = SiteFactory()
    RoomFactory(site=site)
    season = Season.objects.create(
        name="Vår 2027", first_date=dt.date(2027, 3, 1), last_date=dt.date(2027, 4, 30),
        applications_open=timezone.now(), applications_close=timezone.now() + dt.timedelta(1),
        created_by=people.olga,
    )  # fmt: skip
    season.sites.add(site)
    mondays = season_facts(season).days[0]
    assert easter not in mondays and dt.date(2027, 3, 22) in mondays
