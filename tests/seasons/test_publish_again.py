"""Publishing again after a wish failed: the failed wish is tried again, and its letter is
not sent twice, whatever language the officer publishes in (found by the race test,
whose publishing thread and main thread had different languages active)."""

import datetime as dt

import pytest
from django.utils import translation

from booking.timeutil import wall_time
from notifications.models import Message
from seasons import services
from seasons.models import Allocation
from seasons.publish import season_publish
from tests.factories import BookingFactory
from tests.seasons.conftest import apply, wish

pytestmark = pytest.mark.django_db


def test_a_second_publish_in_another_language_sends_no_second_letter(season_scene):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a)])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)
    placed = Allocation.objects.get()
    day = s.first + dt.timedelta(weeks=1)  # taken meanwhile, by someone else
    BookingFactory(
        room=s.gym_a, organisation=s.org_c,
        start=wall_time(day, placed.start_time), end=wall_time(day, placed.end_time),
    )  # fmt: skip
    with translation.override("nb"):
        first = season_publish(season=s.season, by=s.olga)
    assert list(first.failed) == [placed.pk] and first.letters == 1
    with translation.override("en"):
        again = season_publish(season=s.season, by=s.olga)
    assert list(again.failed) == [placed.pk] and again.booked == []
    assert again.letters == 0
    assert Message.objects.filter(template="season_decision").count() == 1
