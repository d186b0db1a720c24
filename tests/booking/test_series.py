"""Weekly bookings for a season: DST, conflicts, cancelling and changing occurrences."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking import roles, services
from booking.models import Booking
from booking.series import SeriesReads, series_create, series_plan
from booking.timeutil import OSLO, UTC
from config.errors import ConflictError
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 8, 1, tzinfo=UTC)
TUESDAY = 1
EVENINGS = [(d, dt.time(8), dt.time(23)) for d in range(7)]


@pytest.fixture
def room():
    return RoomFactory(
        booking_horizon_days=800, hours=[(d, dt.time(8), dt.time(23)) for d in range(7)]
    )


def tuesday(weeks_ahead: int = 2) -> dt.date:
    """A Tuesday at least ``weeks_ahead`` weeks from today: tests that book with the real
    clock stay in the future whenever they run."""
    return next_weekday_at(TUESDAY, 0, weeks=weeks_ahead).date()


def season(people, room, first, until, **extra):
    fields = {
        "room": room, "organisation": people.org_a, "by": people.alice, "weekdays": [TUESDAY],
        "start_time": dt.time(18), "end_time": dt.time(20), "first": first, "until": until,
        "title": "Korpsøvelse", "attendees": 20, "now": NOW,
    }  # fmt: skip
    fields.update(extra)
    return series_create(**fields)


def test_a_series_across_both_dst_changes_keeps_18_to_20_local(people, room):
    # From the first Tuesday of October 2026 to the last of April 2027: over the last
    # Sunday of October and of March.
    _series, bookings, _plan = season(people, room, dt.date(2026, 10, 6), dt.date(2027, 4, 27))
    assert len(bookings) == 30
    for booking in Booking.objects.filter(series__isnull=False):
        local_start, local_end = booking.start.astimezone(OSLO), booking.end.astimezone(OSLO)
        assert (local_start.hour, local_start.minute, local_end.hour) == (18, 0, 20)
        assert booking.end - booking.start == dt.timedelta(hours=2)
    offsets = {b.start.astimezone(OSLO).utcoffset() for b in bookings}
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}


def forty_tuesdays():
    first = dt.date(2026, 9, 1)  # a Tuesday
    return first, first + dt.timedelta(weeks=39)


def test_one_taken_tuesday_among_40_is_skipped_with_its_reason(people, room):
    first, until = forty_tuesdays()
    taken_day = first + dt.timedelta(weeks=6)
    start = dt.datetime.combine(taken_day, dt.time(19), tzinfo=OSLO)
    services.booking_create(
        room=room, organisation=people.org_b, by=people.bob, start=start,
        end=start + dt.timedelta(hours=2), title="Kor", attendees=5, now=NOW,
    )  # fmt: skip
    _series, bookings, plan = season(people, room, first, until, on_conflict="skip")
    assert len(plan.occurrences) == 40 and len(bookings) == 39
    (skipped,) = plan.not_free
    assert skipped.date == taken_day and skipped.state == "taken"
    assert skipped.conflicts == [(start.astimezone(UTC), (start + dt.timedelta(hours=2)))]
    assert Booking.objects.filter(organisation=people.org_a).count() == 39


def test_fail_books_nothing_when_one_week_is_taken(people, room):
    first, until = forty_tuesdays()
    start = dt.datetime.combine(first + dt.timedelta(weeks=3), dt.time(18), tzinfo=OSLO)
    services.booking_create(
        room=room, organisation=people.org_b, by=people.bob, start=start,
        end=start + dt.timedelta(hours=1), title="Kor", attendees=5, now=NOW,
    )  # fmt: skip
    with pytest.raises(ConflictError) as caught:
        season(people, room, first, until, on_conflict="fail")
    assert [c["state"] for c in caught.value.conflicts] == ["taken"]
    assert Booking.objects.filter(organisation=people.org_a).count() == 0


def test_cancelling_this_and_later_from_week_10_leaves_weeks_1_to_9(people, room, client_for):
    first = tuesday()  # a member cancels only what has not started: the real clock's future
    season(people, room, first, first + dt.timedelta(weeks=39), now=None)
    week_10 = Booking.objects.order_by("start")[9]
    response = client_for(people.alice).post(
        f"/api/v1/bookings/{week_10.pk}/cancel-following/", {"reason": "Sesongslutt"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json() == {"cancelled": 31}
    statuses = list(Booking.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 9 + ["cancelled"] * 31


def test_changing_week_5_to_another_room_leaves_the_others(people, room, client_for):
    first = tuesday()
    season(people, room, first, first + dt.timedelta(weeks=9), now=None)
    other = RoomFactory(booking_horizon_days=800)
    week_5 = Booking.objects.order_by("start")[4]
    response = client_for(people.alice).patch(
        f"/api/v1/bookings/{week_5.pk}/", {"room": other.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    rooms = list(Booking.objects.order_by("start").values_list("room_id", flat=True))
    assert rooms == [room.pk] * 4 + [other.pk] + [room.pk] * 5
    assert Booking.objects.filter(series=week_5.series).count() == 10


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_query_count_does_not_grow_with_the_number_of_weeks(people, room):
    first = dt.date(2026, 9, 1)

    def plan(weeks):
        return lambda: series_plan(
            room=room, organisation=people.org_a, weekdays=[TUESDAY], start_time=dt.time(18),
            end_time=dt.time(20), first=first, until=first + dt.timedelta(weeks=weeks - 1),
            attendees=10, now=NOW,
        )  # fmt: skip

    assert queries(plan(10)) == queries(plan(40)) <= 5
    roles.organisation_ids(people.alice)  # her memberships are read once per request
    getattr(people.alice, "profile", None)  # and her language, for the message
    roles.email_verified(people.alice)  # and whether she may book at all
    short = queries(lambda: season(people, room, first, first + dt.timedelta(weeks=9)))
    other = RoomFactory(booking_horizon_days=800)
    long = queries(lambda: season(people, other, first, first + dt.timedelta(weeks=39)))
    # the site's guidelines, savepoint, room queue (PostgreSQL), hours, closures, bookings,
    # rules, the series, the occurrences in one INSERT, one outbox row for the whole
    # season, release.
    # SQLite's 999-parameter limit makes Django split the INSERT every 32 rows: one more
    # statement for 40 weeks, not 40.
    extra_inserts = 0 if connection.vendor == "postgresql" else 1
    assert long == short + extra_inserts
    assert short == (12 if connection.vendor == "postgresql" else 10)


FIRST = tuesday()


@pytest.mark.parametrize(
    ("recurrence", "field"),
    [
        ({"weekdays": [1], "until": str(FIRST - dt.timedelta(days=7))}, "until"),  # before
        ({"weekdays": [], "until": str(FIRST + dt.timedelta(weeks=20))}, "weekdays"),
        ({"weekdays": [1, 1], "until": str(FIRST + dt.timedelta(weeks=20))}, "weekdays"),
        ({"weekdays": [7], "until": str(FIRST + dt.timedelta(weeks=20))}, "weekdays"),
        ({"weekdays": [1], "until": str(FIRST + dt.timedelta(days=3652))}, "until"),  # 10 years
        ({"weekdays": [1], "until": str(FIRST + dt.timedelta(days=370))}, "until"),  # horizon
        ({"weekdays": [1]}, "until"),
    ],
)
def test_bad_series_input_is_400_naming_the_field(people, client_for, recurrence, field):
    room = RoomFactory(booking_horizon_days=365)
    response = client_for(people.alice).post(
        "/api/v1/bookings/",
        {
            "room": room.pk, "organisation": people.org_a.pk, "start": f"{FIRST}T18:00",
            "end": f"{FIRST}T20:00", "title": "Øvelse", "attendees": 10,
            "recurrence": recurrence,
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body.get("recurrence", {}) or field in body, body
    assert Booking.objects.count() == 0


def test_preview_lists_each_week_and_books_nothing(people, client_for):
    room = RoomFactory(hours=[(d, dt.time(8), dt.time(23)) for d in range(7)])
    first = tuesday()
    body = {
        "room": room.pk, "organisation": people.org_a.pk, "start": f"{first}T18:00",
        "end": f"{first}T20:00", "title": "Øvelse", "attendees": 10,
        "recurrence": {"weekdays": [1], "until": str(first + dt.timedelta(weeks=4))},
        "preview": True,
    }  # fmt: skip
    clash = dt.datetime.combine(first + dt.timedelta(weeks=1), dt.time(19), tzinfo=OSLO)
    services.booking_create(
        room=room, organisation=people.org_b, by=people.bob, start=clash,
        end=clash + dt.timedelta(hours=2), title="Kor", attendees=5,
    )  # fmt: skip
    response = client_for(people.alice).post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 200, response.json()
    weeks = response.json()["occurrences"]
    assert [w["state"] for w in weeks] == ["free", "taken", "free", "free", "free"]
    assert weeks[1]["conflicts"] == [
        {"start": clash.isoformat(), "end": (clash + dt.timedelta(hours=2)).isoformat()}
    ]
    assert "Kor" not in response.content.decode()
    assert Booking.objects.filter(organisation=people.org_a).count() == 0
    created = client_for(people.alice).post(
        "/api/v1/bookings/", {**body, "preview": False, "on_conflict": "skip"}, format="json"
    )
    assert created.status_code == 201
    assert len(created.json()["booked"]) == 4 and len(created.json()["skipped"]) == 1


def test_an_officer_approves_a_whole_pending_series(people, client_for):
    room = RoomFactory(requires_approval=True, booking_horizon_days=800)
    season(people, room, tuesday(), tuesday() + dt.timedelta(weeks=7), now=None)
    one = Booking.objects.order_by("start").first()
    response = client_for(people.olga).post(
        f"/api/v1/bookings/{one.pk}/approve/", {"scope": "series", "note": "Ok"}, format="json"
    )
    assert response.status_code == 200
    assert set(Booking.objects.values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.django_db(transaction=True)
def test_a_single_booking_and_a_series_for_the_same_slot_never_both_win(people):
    """Ten rounds of a single booking racing a series over the same Tuesday."""
    if connection.vendor != "postgresql":
        pytest.skip("the race is about PostgreSQL's concurrency; SQLite serialises writers")
    room = RoomFactory(
        booking_horizon_days=800, hours=[(d, dt.time(8), dt.time(23)) for d in range(7)]
    )
    for round_ in range(10):
        first = tuesday() + dt.timedelta(weeks=round_ * 4)
        contested = dt.datetime.combine(first + dt.timedelta(weeks=1), dt.time(18), tzinfo=OSLO)
        barrier = threading.Barrier(2)
        outcome = {}

        def single(contested=contested, barrier=barrier, outcome=outcome):
            barrier.wait()
            try:
                services.booking_create(
                    room=room, organisation=people.org_b, by=people.bob, start=contested,
                    end=contested + dt.timedelta(hours=2), title="Enkelt", attendees=5,
                )  # fmt: skip
                outcome["single"] = True
            except ConflictError:
                outcome["single"] = False
            finally:
                connection.close()

        def weekly(first=first, barrier=barrier, outcome=outcome):
            barrier.wait()
            try:
                season(people, room, first, first + dt.timedelta(weeks=2), now=None)
                outcome["series"] = True
            except ConflictError:
                outcome["series"] = False
            finally:
                connection.close()

        threads = [threading.Thread(target=single), threading.Thread(target=weekly)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome.values()) == [False, True], outcome
        assert (
            Booking.objects.filter(
                room=room, start=contested, status__in=Booking.ACTIVE_STATUSES
            ).count()
            == 1
        )


def test_a_closure_over_3_occurrences_cancels_exactly_those_3(people, room):
    from booking.closures import closure_create

    first = tuesday()
    season(people, room, first, first + dt.timedelta(weeks=9), now=None)  # 10 Tuesdays
    closed_from = dt.datetime.combine(first + dt.timedelta(weeks=4, days=-1), dt.time(0))
    _closure, cancelled = closure_create(
        room=room,
        start=closed_from.replace(tzinfo=OSLO),  # weeks 5, 6 and 7
        end=(closed_from + dt.timedelta(days=19)).replace(tzinfo=OSLO),
        reason="Vinterferie",
        by=people.olga,
    )
    assert sorted(b.start.astimezone(OSLO).date() for b in cancelled) == [
        first + dt.timedelta(weeks=week) for week in (4, 5, 6)
    ]
    statuses = list(Booking.objects.order_by("start").values_list("status", flat=True))
    assert statuses == ["confirmed"] * 4 + ["cancelled"] * 3 + ["confirmed"] * 3
    assert {b.cancel_reason for b in Booking.objects.filter(status="cancelled")} == {
        "Stengt: Vinterferie"
    }


def test_series_sharing_their_reads_see_what_the_earlier_ones_booked(people, room):
    """A season's publishing books many series with one SeriesReads: the second series
    must see the first one's weeks (on SQLite nothing else would stop the overlap), and
    reads the room and the rules no more."""
    reads = SeriesReads()
    first, until = dt.date(2026, 9, 1), dt.date(2026, 9, 29)
    allot = {"by": people.olga, "booked_for": people.alice, "allotted": True, "reads": reads}
    _series, made, _plan = season(people, room, first, until, **allot)
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(ConflictError) as refused:
            season(people, room, first, until, start_time=dt.time(19), end_time=dt.time(21),
                   **allot)  # fmt: skip
    assert {o.state for o in refused.value.plan.not_free} == {"taken"}
    assert Booking.objects.count() == len(made) == 5
    read_again = [q["sql"] for q in queries.captured_queries if "booking_openinghours" in q["sql"]
                  or "booking_pricerule" in q["sql"] or "booking_closure" in q["sql"]]  # fmt: skip
    assert read_again == []
    # Another time in the same room is free and booked, after the first series' weeks.
    _s, later, _p = season(people, room, first, until, start_time=dt.time(20),
                           end_time=dt.time(22), **allot)  # fmt: skip
    assert len(later) == 5 and Booking.objects.count() == 10
