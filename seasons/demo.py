"""The demo's season: the spring at the schools' gym halls, closed for applications, with
three organisations' wishes that contend and the proposal run, so the board has
something to decide.

Added by `manage.py seed_demo` (booking's command sends ``demo_seeded``; seasons' app
config connects ``seed_demo_season``). Running it twice changes nothing: the season is
found by its name and made only when missing. Texts are the demo's data, in Norwegian.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from booking import services as booking_services
from booking.management.commands._demo_data import SCHOOL_HOURS
from booking.models import Membership, Room, Site
from booking.timeutil import OSLO
from seasons import services
from seasons.models import DEFAULT_PRIORITIES, Season

# The demo's schools and their gym halls; Solbakken has none in booking's demo, so the
# season brings it (the demo bookings' rooms stay as they are).
GYMS = [("Bjørkelia skole", "Gymsal"), ("Solbakken ungdomsskole", "Gymsal")]
NEW_GYM = ("Solbakken ungdomsskole", "Gymsal", 80, "700.00")

# Who applies (their organisation's member who sends it), minutes before the deadline
# they sent it (earlier wins a tie), members under 20, and the wishes: gym, weekday,
# from, to, attendees, activity, children and youth. Rank is the order listed.
APPLICATIONS = [
    ("demo-member2", 9 * 24 * 60, 34, [
        ("Bjørkelia skole", 1, "17:30", "19:00", 30, "Marsjøvelse innendørs", True),
        ("Solbakken ungdomsskole", 3, "18:00", "19:30", 30, "Slagverksgruppa", True),
    ]),
    ("demo-member", 6 * 24 * 60, 12, [
        ("Bjørkelia skole", 1, "17:00", "18:30", 20, "Sjakk og bevegelse for barn", True),
        ("Solbakken ungdomsskole", 3, "18:00", "20:00", 24, "Lynsjakk for ungdom", True),
        ("Bjørkelia skole", 4, "18:00", "20:00", 16, "Klubbkveld for voksne", False),
    ]),
    ("demo-business", 2 * 24 * 60, None, [
        ("Bjørkelia skole", 1, "18:00", "19:30", 20, "Bedriftsidrett: innebandy", False),
        ("Solbakken ungdomsskole", 3, "18:30", "19:30", 16, "Bedriftsidrett: volleyball", False),
        ("Bjørkelia skole", 4, "19:00", "20:30", 20, "Bedriftsidrett: basket", False),
    ]),
]  # fmt: skip


def spring(today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The coming spring term: from the first Monday of January (or two weeks ahead, if
    the spring has begun) until mid-June."""
    year = today.year + 1 if today.month >= 7 else today.year
    first = max(dt.date(year, 1, 4), today + dt.timedelta(days=14))
    first += dt.timedelta(days=(7 - first.weekday()) % 7)
    last = max(dt.date(year, 6, 13), first + dt.timedelta(weeks=8, days=-1))
    return f"Vårsesongen {year} i gymsalene", first, last


def seed_demo_season(sender, *, users: dict, sites: dict, **kwargs) -> int:
    """The demo's spring season, proposed by demo-officer."""
    made = 0
    for site_name, room_name in GYMS:
        made += _gym(sites[site_name], room_name)
    now = timezone.now()
    name, first, last = spring(now.astimezone(OSLO).date())
    if Season.objects.filter(name=name).exists():
        return made
    officer = users["demo-officer"]
    gyms = [Room.objects.get(site=sites[site], name=room) for site, room in GYMS]
    season = services.season_create(
        by=officer, name=name, first_date=first, last_date=last,
        applications_open=now - dt.timedelta(days=30), applications_close=now,
        rooms=gyms, priorities=list(DEFAULT_PRIORITIES), tolerance_minutes=60,
    )  # fmt: skip
    services.season_set_status(season=season, by=officer, status="open")
    for username, minutes_before, under_20, wishes in APPLICATIONS:
        user = users[username]
        organisation = Membership.objects.get(user=user).organisation
        application = services.application_save(
            season=season, organisation=organisation, by=user,
            contact_name=user.get_full_name(), contact_email=user.email,
            members_under_20=under_20, now=now - dt.timedelta(minutes=minutes_before),
            wishes=[_wish(gyms, n, spec) for n, spec in enumerate(wishes, start=1)],
        )  # fmt: skip
        if under_20:
            services.application_check_members(application=application, by=officer)
    services.season_set_status(season=season, by=officer, status="closed")
    proposed = services.proposal_run(season=season, by=officer)
    return made + 1 + len(APPLICATIONS) + len(proposed)


def _gym(site: Site, room_name: str) -> int:
    if Room.objects.filter(site=site, name=room_name).exists():
        return 0
    _site, _name, capacity, price = NEW_GYM
    room = Room.objects.create(
        site=site, name=room_name, capacity=capacity, hourly_price=Decimal(price),
        description_nb="Gymsal med garderober. Innendørssko påbudt.",
        description_en="Gym with changing rooms. Indoor shoes only.",
    )  # fmt: skip
    booking_services.opening_hours_set(room=room, windows=SCHOOL_HOURS)
    return 1


def _wish(gyms: list[Room], rank: int, spec) -> dict:
    site_name, weekday, start, end, attendees, activity, young = spec
    room = next(g for g in gyms if g.site.name == site_name)
    return {
        "room": room, "site": room.site, "weekday": weekday,
        "start_time": dt.time.fromisoformat(start), "end_time": dt.time.fromisoformat(end),
        "attendees": attendees, "activity": activity, "children_and_youth": young,
        "rank": rank,
    }  # fmt: skip
