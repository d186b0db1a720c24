import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from booking.models import Membership
from booking.roles import OFFICER_GROUP
from booking.timeutil import OSLO
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, UserFactory

# The test OpenID provider (ID-porten's stand-in) and ID-porten switched on for a test.
pytest_plugins = ["tests.oidc_provider.fixtures"]


@pytest.fixture
def people(db):
    """The named cast: alice (org A), bob (org B), olga (officer), carl (caretaker), anon."""
    org_a = OrganisationFactory(name="Ås Sjakklubb")
    org_b = OrganisationFactory(name="Nordby Korps")
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    olga = UserFactory(username="olga")
    carl = UserFactory(username="carl")
    MembershipFactory(user=alice, organisation=org_a, role=Membership.Role.ADMIN)
    MembershipFactory(user=bob, organisation=org_b)
    Group.objects.get_or_create(name=OFFICER_GROUP)[0].user_set.add(olga)
    room = RoomFactory(name="Aulaen")
    room.site.caretakers.add(carl)
    return SimpleNamespace(
        alice=alice, bob=bob, olga=olga, carl=carl, anon=None, org_a=org_a, org_b=org_b, room=room
    )


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def next_weekday_at(weekday: int, hour: int, minute: int = 0, weeks: int = 1) -> dt.datetime:
    """A local Europe/Oslo time on the given weekday, at least ``weeks`` weeks from today."""
    today = dt.datetime.now(OSLO).date() + dt.timedelta(weeks=weeks)
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def default_price_rules(transactional_db):
    """Put back the price list of migration 0004, which the flush after every transactional
    test removes. Not serialized_rollback: once another transactional test's flush has
    re-created the content types, reloading the serialized ones collides with them (and
    with Playwright's event loop in the thread, Django hands out connections without them).
    """
    import importlib

    from django.apps import apps

    importlib.import_module("booking.migrations.0004_default_price_rules").install(apps, None)
    importlib.import_module("booking.migrations.0016_price_rule_reason_nynorsk").add_nynorsk(
        apps, None
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded photos go to a fresh directory, never the checkout's media/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
