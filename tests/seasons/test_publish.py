"""Publishing: every placed wish a weekly series for the season, holidays and closed weeks
left out, priced by the rules, confirmed for the applicant; one letter per organisation
in its applicant's language; a wish whose time was taken meanwhile fails alone; publishing
again creates nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from booking.models import Booking, BookingSeries, Closure, Profile
from booking.public_holidays import public_holidays
from booking.timeutil import instant, to_local
from notifications.models import Message
from seasons import services
from seasons.models import Allocation, Season
from seasons.publish import season_publish
from tests.factories import BookingFactory
from tests.seasons.conftest import apply, wish


@pytest.fixture
def decided(season_scene):
    """Org A (youth) gets Gymsal A Monday 18:00–19:30, org B is moved to Gymsal B, the
    company's wish for a Wednesday in Gymsal A is granted; applications closed."""
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a)])
    apply(s.season, s.org_c, s.dora, [wish(s.gym_a, weekday=2, attendees=10, activity="Yoga")])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)
    return s


def test_publish_books_each_placed_wish_as_a_weekly_series(decided):
    s = decided
    s.gym_a.requires_approval = True
    s.gym_a.save()
    closed_monday = s.first + dt.timedelta(weeks=3)
    Closure.objects.create(
        site=s.site,
        start=instant(closed_monday, dt.time(0)),
        end=instant(closed_monday, dt.time(23)),
        reason="Vinterferie",
    )
    result = season_publish(season=s.season, by=s.olga)
    assert sorted(result.booked) == sorted(Allocation.objects.values_list("wish_id", flat=True))
    assert result.failed == {}
    assert BookingSeries.objects.count() == 3
    a_bookings = Booking.objects.filter(organisation=s.org_a).order_by("start")
    days = [to_local(b.start).date() for b in a_bookings]
    holidays = public_holidays(s.season.first_date, s.season.last_date)
    mondays = [s.first + dt.timedelta(weeks=n) for n in range(11)]
    assert days == [d for d in mondays if d != closed_monday and d not in holidays]
    assert {(b.status, b.booked_by_id, b.room_id, b.title) for b in a_bookings} == {
        ("confirmed", s.alice.pk, s.gym_a.pk, "Håndball")
    }
    assert {to_local(b.start).time() for b in a_bookings} == {dt.time(18)}
    b_rooms = set(Booking.objects.filter(organisation=s.org_b).values_list("room_id", flat=True))
    assert b_rooms == {s.gym_b.pk}
    # Prices come from the rules: free for the verified voluntary, full rent for the company.
    assert {b.price for b in a_bookings} == {Decimal("0.00")}
    yoga = Booking.objects.filter(organisation=s.org_c)
    wednesdays = [s.first + dt.timedelta(weeks=n, days=2) for n in range(11)]
    assert yoga.count() == len([d for d in wednesdays if d not in holidays])
    assert {b.price for b in yoga} == {Decimal("750.00")}
    assert Season.objects.get().status == "published"


def test_one_letter_per_organisation_in_its_applicants_language(decided):
    s = decided
    Profile.objects.create(user=s.bob, language="nn")
    result = season_publish(season=s.season, by=s.olga)
    assert result.letters == 3
    letters = Message.objects.filter(template="season_decision")
    assert sorted(m.recipient for m in letters) == sorted(u.email for u in (s.alice, s.bob, s.dora))
    to_bob = letters.get(recipient=s.bob.email)
    assert to_bob.language == "nn"
    (item,) = to_bob.context["items"]
    assert item["place"].startswith("Gymsal B, Nordby skole")
    assert "Ås Sjakklubb" in item["why"] and item["booked"] is True


def test_a_time_taken_meanwhile_fails_that_wish_only_and_publishing_again_creates_nothing(
    decided,
):
    s = decided
    later = s.first + dt.timedelta(weeks=5)  # a Monday: org B's time in Gymsal B
    BookingFactory(room=s.gym_b, start=instant(later, dt.time(18, 30)),
                   end=instant(later, dt.time(19)), organisation=s.org_c)  # fmt: skip
    b_wish = Allocation.objects.get(wish__application__organisation=s.org_b).wish_id
    result = season_publish(season=s.season, by=s.olga)
    assert list(result.failed) == [b_wish]
    assert later.isoformat() in result.failed[b_wish]
    assert len(result.booked) == 2
    failed = Allocation.objects.get(pk=b_wish)
    assert failed.series_id is None and failed.publish_error
    assert not Booking.objects.filter(organisation=s.org_b).exists()
    to_bob = Message.objects.get(template="season_decision", recipient=s.bob.email)
    assert to_bob.context["items"][0]["error"]
    counts = (BookingSeries.objects.count(), Booking.objects.count(), Message.objects.count())
    again = season_publish(season=s.season, by=s.olga)
    assert again.booked == [] and again.letters == 0
    assert list(again.failed) == [b_wish]  # still taken, still told nothing new
    assert (BookingSeries.objects.count(), Booking.objects.count(), Message.objects.count()) == (
        counts
    )


def test_every_wish_needs_a_decision_before_publishing(decided):
    s = decided
    Allocation.objects.filter(wish__application__organisation=s.org_b).delete()
    with pytest.raises(ValidationError) as bad:
        season_publish(season=s.season, by=s.olga)
    assert "allocation" in bad.value.message_dict
    assert not Booking.objects.exists() and Season.objects.get().status == "closed"


def test_only_an_officer_publishes_and_only_a_closed_season(decided):
    s = decided
    with pytest.raises(PermissionDenied):
        season_publish(season=s.season, by=s.alice)
    services.season_set_status(season=s.season, by=s.olga, status="open")
    with pytest.raises(ValidationError):
        season_publish(season=s.season, by=s.olga)
    assert not Booking.objects.filter(series__isnull=False).exists()
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    season_publish(season=s.season, by=s.olga)
    with pytest.raises(ValidationError):
        services.proposal_run(season=s.season, by=s.olga)
    with pytest.raises(ValidationError):
        services.allocation_set(wish=Allocation.objects.first().wish, by=s.olga,
                                outcome="denied", note="For sent")  # fmt: skip
    assert timezone.now() >= Season.objects.get().published_at
