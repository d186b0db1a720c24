from django.core import mail

from seasons import services
from seasons.models import Allocation
from seasons.publish import season_publish
from tests.seasons.conftest import apply, wish


def test_apply_propose_publish_letters(season_scene, django_capture_on_commit_callbacks):
    s = season_scene
    apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a)])
    services.season_set_status(season=s.season, by=s.olga, status="closed")
    services.proposal_run(season=s.season, by=s.olga)
    allocations = {
        a.wish.application.organisation_id: a
        for a in Allocation.objects.select_related("wish__application")
    }
    assert allocations[s.org_a.pk].outcome == "granted"
    assert allocations[s.org_b.pk].outcome == "moved"
    assert allocations[s.org_b.pk].room_id == s.gym_b.pk
    with django_capture_on_commit_callbacks(execute=True):
        result = season_publish(season=s.season, by=s.olga)
    assert len(result.booked) == 2 and not result.failed
    assert result.letters == 2
    assert len(mail.outbox) == 2
    assert "Gymsal B" in mail.outbox[1].body or "Gymsal B" in mail.outbox[0].body
    again = season_publish(season=s.season, by=s.olga)
    assert again.booked == [] and again.letters == 0
