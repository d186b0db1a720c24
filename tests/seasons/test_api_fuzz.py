"""Schemathesis over the season allocation API with a season that exists: the general
fuzz test (tests/test_api_fuzz.py) has no season, so there every season URL is a 404.
Here the path's ids are those of a real open season, an application and a wish, and
the bodies are made up, as alice (a member) and as olga (the officer): no 5xx, every
answer in the schema, and only documented status codes."""

import pytest
import schemathesis
from rest_framework.authtoken.models import Token

from config.wsgi import application
from seasons import services
from tests.seasons.conftest import apply, wish
from tests.test_api_fuzz import BOUNDED, CHECKS, one_connection  # noqa: F401 (a fixture)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(
    path_regex=r"^/api/v1/seasons/"
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(season_scene):
    s = season_scene
    mine = apply(s.season, s.org_a, s.alice, [wish(s.gym_a, children_and_youth=True)])
    apply(s.season, s.org_b, s.bob, [wish(s.gym_a), wish(s.site, rank=2, weekday=2)])
    services.proposal_run(season=s.season, by=s.olga)
    s.ids = {"id": s.season.pk, "application": mine.pk, "wish": mine.wishes.get().pk}
    return s


def call(case, user, scene):
    for name in list(case.path_parameters or {}):
        case.path_parameters[name] = scene.ids[name]
    token = Token.objects.get_or_create(user=user)[0].key
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_member(case, scene):
    call(case, scene.alice, scene)


@schema.parametrize()
@BOUNDED
def test_officer(case, scene):
    call(case, scene.olga, scene)
