"""Publishing a season while someone books one of its granted slots at the same moment.

Two threads with their own database connections start together at a barrier: the
officer publishes, another organisation books the first week of one granted wish. The
queues (booking/locks.py) make one of them go first: either the booking commits before
publish plans that room, and exactly that wish fails visibly while everything else is
booked; or publish holds the room and the other client gets its 409 after. Never an
overlap, and publishing again creates nothing.
"""

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from booking import services as booking_services
from booking.models import Booking, Membership
from booking.public_holidays import public_holidays
from booking.timeutil import wall_time
from config.errors import ConflictError
from seasons import services
from seasons.models import DEFAULT_PRIORITIES, Allocation
from seasons.publish import season_publish
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, SiteFactory
from tests.seasons.conftest import EVENINGS, apply, first_monday, wish

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_price_rules"),
]

OVERLAPS_SQL = """
SELECT count(*) FROM booking_booking a JOIN booking_booking b
  ON a.room_id = b.room_id AND a.id < b.id
 AND tstzrange(a.start, a."end", '[)') && tstzrange(b.start, b."end", '[)')
WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
"""


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race is between PostgreSQL connections")


def overlaps() -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        return cursor.fetchone()[0]


def closed_season(people, n: int):
    """A season at a new school with two gym halls, three applications (five wishes, none
    contending), closed and proposed. Returns the season and the wish another will book."""
    from django.utils import timezone

    site = SiteFactory(name=f"Kappløp skole {n}")
    gym_a = RoomFactory(site=site, name="Gymsal A", capacity=60, hours=EVENINGS)
    gym_b = RoomFactory(site=site, name="Gymsal B", capacity=60, hours=EVENINGS)
    first = first_monday()
    now = timezone.now()
    season = services.season_create(
        by=people.olga, name=f"Vår {n}", first_date=first,
        last_date=first + dt.timedelta(weeks=6, days=6),
        applications_open=now - dt.timedelta(days=1),
        applications_close=now + dt.timedelta(days=14),
        sites=[site], priorities=list(DEFAULT_PRIORITIES), tolerance_minutes=60,
    )  # fmt: skip
    services.season_set_status(season=season, by=people.olga, status="open")
    apply(season, people.org_a, people.alice, [
        wish(gym_a, 0, "17:00", "18:30", children_and_youth=True),
        wish(gym_a, 2, "18:00", "19:30", rank=2),
    ])  # fmt: skip
    apply(season, people.org_b, people.bob, [
        wish(gym_b, 0, "18:00", "19:30"), wish(gym_b, 3, "19:00", "20:00", rank=2),
    ])  # fmt: skip
    apply(season, people.org_d, people.dora_d, [wish(gym_a, 1, "18:00", "20:00")])
    services.season_set_status(season=season, by=people.olga, status="closed")
    services.proposal_run(season=season, by=people.olga)
    placed = Allocation.objects.filter(wish__application__season=season, room__isnull=False)
    assert placed.count() == 5 and not placed.exclude(outcome="granted").exists()
    target = placed.get(wish__application__organisation=people.org_b, weekday=0)
    return season, target


def first_week(allocation: Allocation, season) -> tuple[dt.datetime, dt.datetime]:
    holidays = public_holidays(season.first_date, season.last_date)
    day = season.first_date + dt.timedelta(
        days=(allocation.weekday - season.first_date.weekday()) % 7
    )
    while day in holidays:
        day += dt.timedelta(weeks=1)
    return wall_time(day, allocation.start_time), wall_time(day, allocation.end_time)


def weeks_of(allocation: Allocation, season) -> int:
    holidays = public_holidays(season.first_date, season.last_date)
    days = (season.first_date + dt.timedelta(days=n) for n in range(
        (season.last_date - season.first_date).days + 1))  # fmt: skip
    return sum(1 for d in days if d.weekday() == allocation.weekday and d not in holidays)


@pytest.fixture
def cast(people):
    """people, and a third organisation applying (org D), and a company that books (org C)."""
    people.org_d = OrganisationFactory(name="Dal Turn")
    people.dora_d = MembershipFactory(organisation=people.org_d, role=Membership.Role.ADMIN).user
    people.org_c = OrganisationFactory(name="Trening AS", category="commercial")
    people.booker = MembershipFactory(organisation=people.org_c).user
    return people


def race(people, season, target, *, publish_after: float, book_after: float):
    barrier = threading.Barrier(2)
    start, end = first_week(target, season)

    def publish():
        try:
            barrier.wait()
            time.sleep(publish_after)
            return season_publish(season=season, by=people.olga)
        finally:
            connection.close()

    def book():
        try:
            barrier.wait()
            time.sleep(book_after)
            return booking_services.booking_create(
                room=target.room, organisation=people.org_c, by=people.booker,
                start=start, end=end, title="Bedriftsidrett", attendees=10,
            )  # fmt: skip
        except ConflictError as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        published, booked = pool.submit(publish), pool.submit(book)
        return published.result(timeout=60), booked.result(timeout=60)


def check_round(people, season, target, result, other) -> str:
    """Which client went first; fails unless every promise holds."""
    assert overlaps() == 0
    placed = list(Allocation.objects.filter(wish__application__season=season, room__isnull=False))
    others = [a for a in placed if a.pk != target.pk]
    assert sorted(result.booked) == sorted(
        a.pk for a in (others if isinstance(other, Booking) else placed)
    )
    for allocation in others:
        allocation.refresh_from_db()
        assert allocation.series_id is not None
        assert Booking.objects.filter(series=allocation.series_id, status="confirmed").count() == (
            weeks_of(allocation, season)
        )
    target.refresh_from_db()
    if isinstance(other, Booking):  # the other client went first: exactly that wish failed
        assert list(result.failed) == [target.pk]
        assert target.series_id is None and target.publish_error
        assert other.start.date().isoformat() in result.failed[target.pk]
        order = "booker first"
    else:  # publish went first: the other client was told the time is taken
        assert isinstance(other, booking_services.BookingConflict), other
        assert result.failed == {} and target.series_id is not None
        order = "publish first"
    count = Booking.objects.count()
    again = season_publish(season=season, by=people.olga)
    assert again.booked == [] and again.letters == 0
    assert Booking.objects.count() == count and overlaps() == 0
    return order


def test_publish_and_a_booking_at_the_same_moment(cast):
    """Rounds at the very same moment, and rounds where one side is given a head start, so
    that both orders are seen; every round keeps every promise."""
    orders = []
    for n, (publish_after, book_after) in enumerate(
        [(0, 0), (0.5, 0), (0, 0.5), (0, 0), (0.5, 0), (0, 0.5)]
    ):
        season, target = closed_season(cast, n)
        result, other = race(
            cast, season, target, publish_after=publish_after, book_after=book_after
        )
        orders.append(check_round(cast, season, target, result, other))
    print("orders:", orders)
    assert {"booker first", "publish first"} <= set(orders)


def test_a_writer_that_skips_the_queues_meets_the_exclusion_constraint(cast):
    """The queues are not the guard. A writer that takes no queue (a raw insert, held open
    while publish plans the room) is invisible to publish's plan; publish's insert then
    waits on it and, once it commits, is refused by the exclusion constraint. The
    IntegrityError is read as a conflict: that wish fails, the rest is booked, no overlap."""
    season, target = closed_season(cast, 0)
    start, end = first_week(target, season)
    inserted, release = threading.Event(), threading.Event()

    def sneak():
        try:
            with transaction.atomic():
                Booking.objects.create(
                    room=target.room, organisation=cast.org_c, booked_by=cast.booker,
                    start=start, end=end, title="Forbi køen", attendees=5, status="confirmed",
                )  # fmt: skip
                inserted.set()
                assert release.wait(30)
        finally:
            connection.close()

    def publish():
        try:
            return season_publish(season=season, by=cast.olga)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        sneaking = pool.submit(sneak)
        assert inserted.wait(30)
        publishing = pool.submit(publish)
        waited = wait_for_blocked_backend()
        release.set()
        sneaking.result(timeout=30)
        result = publishing.result(timeout=60)
    assert waited, "publish never waited on the uncommitted row"
    assert overlaps() == 0
    assert list(result.failed) == [target.pk]
    assert len(result.booked) == 4
    target.refresh_from_db()
    assert target.series_id is None and start.date().isoformat() in target.publish_error


def wait_for_blocked_backend(seconds: float = 20) -> bool:
    """Whether some backend of this database came to wait for a lock (publish's insert
    waiting on the uncommitted row) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                # Waiting for another transaction to end is a lock on its id, which
                # belongs to no database.
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.01)
    return False
