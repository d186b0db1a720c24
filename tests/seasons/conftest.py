import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from booking.models import Membership
from booking.timeutil import OSLO
from seasons import services
from seasons.models import DEFAULT_PRIORITIES
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, SiteFactory

EVENINGS = [(day, dt.time(16), dt.time(22)) for day in range(7)]


def first_monday(weeks: int = 8) -> dt.date:
    day = dt.datetime.now(OSLO).date() + dt.timedelta(weeks=weeks)
    return day - dt.timedelta(days=day.weekday())


def wish(place, weekday=0, start="18:00", end="19:30", rank=1, attendees=20, **extra) -> dict:
    """A wish as the services take it: ``place`` is a room or a site."""
    room = place if hasattr(place, "site_id") else None
    return {
        "room": room,
        "site": room.site if room else place,
        "weekday": weekday,
        "start_time": dt.time.fromisoformat(start),
        "end_time": dt.time.fromisoformat(end),
        "attendees": attendees,
        "activity": extra.pop("activity", "Håndball"),
        "children_and_youth": extra.pop("children_and_youth", False),
        "rank": rank,
        **extra,
    }


def apply(season, organisation, user, wishes, **fields):
    return services.application_save(
        season=season, organisation=organisation, by=user,
        contact_name=fields.pop("contact_name", user.get_full_name() or user.username),
        contact_email=fields.pop("contact_email", user.email), wishes=wishes, **fields,
    )  # fmt: skip


@pytest.fixture
def season_scene(people):
    """A spring season at Nordby skole's two gym halls (16–22 every day), open for
    applications; alice (org A, voluntary verified) and bob (org B) may apply; olga is
    the officer. ``org_c`` is a commercial company, dora its member."""
    site = SiteFactory(name="Nordby skole")
    gym_a = RoomFactory(site=site, name="Gymsal A", capacity=60, hours=EVENINGS)
    gym_b = RoomFactory(site=site, name="Gymsal B", capacity=30, hours=EVENINGS)
    first = first_monday()
    now = timezone.now()
    season = services.season_create(
        by=people.olga, name="Vårsesongen", first_date=first,
        last_date=first + dt.timedelta(weeks=10, days=6),
        applications_open=now - dt.timedelta(days=1),
        applications_close=now + dt.timedelta(days=14),
        sites=[site], priorities=list(DEFAULT_PRIORITIES), tolerance_minutes=60,
    )  # fmt: skip
    services.season_set_status(season=season, by=people.olga, status="open")
    season.refresh_from_db()
    org_c = OrganisationFactory(name="Trening AS", category="commercial", voluntary_verified=False)
    dora = MembershipFactory(organisation=org_c, role=Membership.Role.ADMIN).user
    return SimpleNamespace(
        **vars(people), site=site, gym_a=gym_a, gym_b=gym_b, season=season, org_c=org_c,
        dora=dora, first=first,
    )  # fmt: skip
