"""The season proposal's rules over random rows: ``proposal_run`` on random opening hours,
closures, bookings and applications written to the database, checked against those rows
(opening hours from OpeningHours, closures from Closure, bookings from Booking). Fewer
examples than the pure allocator's test (tests/seasons/test_properties.py), since each
writes a scene."""

import datetime as dt

from django.contrib.auth.models import Group
from django.db.models import Q
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from booking.models import Booking, Closure, OpeningHours
from booking.public_holidays import public_holidays
from booking.roles import OFFICER_GROUP
from booking.timeutil import local_midnight, wall_time
from seasons import services
from seasons.allocator import propose
from seasons.explain import explain
from seasons.facts import season_facts
from seasons.models import Allocation, Application, Criterion, Season, Wish
from tests.factories import (
    BookingFactory,
    MembershipFactory,
    OrganisationFactory,
    RoomFactory,
    SiteFactory,
    UserFactory,
)
from tests.seasons.test_properties import SUBMITTED, shuffled

# Three weeks over Easter 2027 (Maundy Thursday, Good Friday and Easter Monday are public
# holidays; the clocks go forward on the Sunday between).
FIRST, LAST = dt.date(2027, 3, 22), dt.date(2027, 4, 11)
SEASON_DAYS = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]

db_rooms = st.lists(
    st.fixed_dictionaries(
        {
            "site": st.integers(0, 1),
            "capacity": st.sampled_from([12, 30, 60]),
            "step": st.sampled_from([15, 30, 60]),
            "hours": st.lists(
                st.tuples(st.integers(0, 6), st.integers(8, 18), st.integers(19, 24)),
                unique_by=lambda h: h[0],
                min_size=1,
            ),
        }
    ),
    min_size=1,
    max_size=4,
)
db_intervals = st.lists(  # closures (room or site) and bookings, each on one season day
    st.tuples(
        st.integers(0, 3), st.sampled_from(SEASON_DAYS), st.integers(12, 44), st.integers(1, 12)
    ),
    max_size=8,
)
db_wishes = st.lists(
    st.tuples(
        st.integers(0, 3),  # organisation
        st.integers(0, 3),  # room (the site's, when ``any``)
        st.booleans(),  # any room of the site
        st.integers(0, 6),
        st.integers(15 * 4, 21 * 4),  # start, in quarters of an hour
        st.sampled_from([60, 90, 120]),
        st.sampled_from([8, 20, 40]),
        st.booleans(),
    ),
    min_size=1,
    max_size=14,
)


class TestProposalOnRows(TestCase):
    """``proposal_run`` over random rows, checked against the rows: opening hours from
    OpeningHours, closures from Closure, bookings from Booking."""

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        rooms=db_rooms,
        closures=db_intervals,
        bookings=db_intervals,
        wishes=db_wishes,
        tolerance=st.sampled_from([0, 30, 60]),
        whole_sites=st.booleans(),
        seed=st.integers(0, 2**32),
    )
    def test_saved_allocation_keeps_every_rule(
        self, rooms, closures, bookings, wishes, tolerance, whole_sites, seed
    ):
        season, officer = self.scene(rooms, closures, bookings, wishes, tolerance, whole_sites)
        for allocation in services.proposal_run(season=season, by=officer):
            event(f"some {allocation.outcome}")
        check_rows(season)
        facts = season_facts(season)
        saved = {
            a.wish_id: (a.outcome, a.room_id, a.weekday, a.start_time, a.end_time, a.explanation)
            for a in Allocation.objects.filter(wish__application__season=season)
        }
        again = {
            d.wish_id: (
                d.outcome, d.room_id, d.weekday, services._time(d.start),
                services._time(d.end), d.explanation,
            )
            for d in propose(shuffled(facts, seed))
        }  # fmt: skip
        assert again == saved

    def scene(self, rooms, closures, bookings, wishes, tolerance, whole_sites):
        officer = UserFactory()
        Group.objects.get_or_create(name=OFFICER_GROUP)[0].user_set.add(officer)
        sites = [SiteFactory(), SiteFactory()]
        made = [
            RoomFactory(
                site=sites[r["site"]], capacity=r["capacity"], slot_step_minutes=r["step"],
                hours=[(d, dt.time(o), dt.time(c % 24)) for d, o, c in r["hours"]],
            )
            for r in rooms
        ]  # fmt: skip
        for which, day, start, quarters in closures:
            room = made[which % len(made)]
            Closure.objects.create(
                room=room if which < 2 else None, site=None if which < 2 else room.site,
                start=wall_time(day, dt.time(start // 2, 30 * (start % 2))),
                end=wall_time(day, dt.time(start // 2, 30 * (start % 2)))
                + dt.timedelta(minutes=15 * quarters),
                reason="Stengt",
            )  # fmt: skip
        if closures and closures[0][0] == 3:  # now and then a room closed all season
            Closure.objects.create(
                room=made[0], start=local_midnight(FIRST), end=local_midnight(LAST), reason="Ute"
            )
        booker = MembershipFactory().organisation
        taken: list[tuple] = []
        for which, day, start, quarters in bookings:
            room = made[which % len(made)]
            begins = wall_time(day, dt.time(start // 2, 30 * (start % 2)))
            ends = begins + dt.timedelta(minutes=15 * quarters)
            if any(r == room.pk and b < ends and begins < e for r, b, e in taken):
                continue  # the exclusion constraint would refuse it anyway
            taken.append((room.pk, begins, ends))
            BookingFactory(room=room, organisation=booker, start=begins, end=ends)
        season = Season.objects.create(
            name="Vår", first_date=FIRST, last_date=LAST, created_by=officer,
            applications_open=SUBMITTED - dt.timedelta(days=30), applications_close=SUBMITTED,
            priorities=[c for c in Criterion.values if c != "application_time"],
            tolerance_minutes=tolerance, status=Season.Status.CLOSED,
        )  # fmt: skip
        if whole_sites:
            season.sites.set({room.site for room in made})
        else:
            season.rooms.set(made)
        applications: dict[int, Application] = {}
        for who, which, any_room, weekday, start, length, attendees, young in wishes:
            if who not in applications:
                member = MembershipFactory(organisation=OrganisationFactory(
                    category="commercial" if who == 3 else "voluntary",
                    voluntary_verified=who != 3,
                ))  # fmt: skip
                applications[who] = Application.objects.create(
                    season=season, organisation=member.organisation, submitted_by=member.user,
                    contact_name="Kontakt", contact_email="k@example.org",
                    submitted_at=SUBMITTED - dt.timedelta(hours=who),
                )  # fmt: skip
            room = made[which % len(made)]
            begins = dt.time(start // 4, 15 * (start % 4))
            Wish.objects.create(
                application=applications[who], site=room.site, room=None if any_room else room,
                weekday=weekday, start_time=begins,
                end_time=(dt.datetime.combine(FIRST, begins) + dt.timedelta(minutes=length)).time(),
                attendees=attendees, activity="Trening", children_and_youth=young,
                rank=applications[who].wishes.count() + 1,
            )  # fmt: skip
        return season, officer


def check_rows(season: Season) -> None:
    holidays = public_holidays(season.first_date, season.last_date)
    days = [d for d in SEASON_DAYS if d not in holidays]
    allocations = list(
        Allocation.objects.filter(wish__application__season=season).select_related("wish", "room")
    )
    assert len(allocations) == Wish.objects.filter(application__season=season).count()
    placed = [a for a in allocations if a.placed]
    for a in allocations:
        if not a.placed:
            assert a.explanation["blocked"] and explain(a.explanation, a.note).strip(), a
    for n, a in enumerate(placed):
        for b in placed[n + 1 :]:
            assert not (
                a.room_id == b.room_id and a.weekday == b.weekday
                and a.start_time < b.end_time and b.start_time < a.end_time
            ), (a, b)  # fmt: skip
        assert a.room.site_id == a.wish.site_id and a.weekday == a.wish.weekday
        windows = OpeningHours.objects.filter(room=a.room_id, weekday=a.weekday)
        assert any(
            w.opens <= a.start_time and (w.closes == dt.time(0) or a.end_time <= w.closes)
            for w in windows
        ), a
        free_days = 0
        for day in (d for d in days if d.weekday() == a.weekday):
            start, end = wall_time(day, a.start_time), wall_time(day, a.end_time)
            assert not Booking.objects.filter(
                room=a.room_id, status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
            ).exists(), (a, day)
            free_days += not Closure.objects.filter(
                Q(room=a.room_id) | Q(site=a.room.site_id), start__lt=end, end__gt=start
            ).exists()
        assert free_days, a
