import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from config.errors import ConflictError
from lending import services
from lending.availability import free_by_day
from lending.models import Reservation
from tests.factories import BorrowerFactory
from tests.lending.conftest import days_from_today, today

pytestmark = pytest.mark.django_db


def reserve(centre, item_type, start, end, quantity=1, borrower=None):
    return services.reservation_create(
        by=centre.dina, borrower=borrower or BorrowerFactory(), item_type=item_type,
        quantity=quantity, start=start, end=end,
    )  # fmt: skip


def test_units_are_promised_day_by_day(centre):
    reserve(centre, centre.tent, days_from_today(2), days_from_today(4), quantity=2)
    free = free_by_day([centre.tent], days_from_today(1), days_from_today(5), today=today())
    assert list(free[centre.tent.pk].values()) == [3, 1, 1, 1, 3]


def test_a_full_day_is_a_conflict_naming_it(centre):
    reserve(centre, centre.tent, days_from_today(2), days_from_today(3), quantity=2)
    reserve(centre, centre.tent, days_from_today(3), days_from_today(3), quantity=1)
    with pytest.raises(ConflictError) as caught:
        reserve(centre, centre.tent, days_from_today(1), days_from_today(4))
    assert caught.value.conflicts == [
        {"item_type": centre.tent.pk, "date": days_from_today(3).isoformat(), "free": 0}
    ]
    assert Reservation.objects.count() == 2


def test_turnaround_days_hold_the_units_after_the_return(centre):
    # Skis: 2 units, 2 days to dry. Both out until day 3 → not free on days 4 and 5.
    reserve(centre, centre.skis, days_from_today(1), days_from_today(3), quantity=2)
    with pytest.raises(ConflictError) as caught:
        reserve(centre, centre.skis, days_from_today(5), days_from_today(6))
    assert [c["date"] for c in caught.value.conflicts] == [days_from_today(5).isoformat()]
    assert reserve(centre, centre.skis, days_from_today(6), days_from_today(7))
    # And a new reservation needs its own drying days free too: today's skis dry on days
    # 1 and 2, when both pairs are promised.
    with pytest.raises(ConflictError) as caught:
        reserve(centre, centre.skis, days_from_today(0), days_from_today(0))
    assert [c["date"] for c in caught.value.conflicts] == [
        days_from_today(1).isoformat(),
        days_from_today(2).isoformat(),
    ]


def test_one_borrower_gets_at_most_the_maximum(centre):
    reserve(centre, centre.tent, days_from_today(1), days_from_today(2), 2, centre.per)
    with pytest.raises(ValidationError) as caught:
        reserve(centre, centre.tent, days_from_today(2), days_from_today(3), 1, centre.per)
    assert "quantity" in caught.value.message_dict


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [(-1, 1, "start"), (3, 2, "end"), (1, 16, "end"), (400, 401, "start")],
)
def test_periods_that_make_no_sense_are_refused_by_field(centre, start, end, field):
    with pytest.raises(ValidationError) as caught:
        reserve(centre, centre.tent, days_from_today(start), days_from_today(end))
    assert list(caught.value.message_dict) == [field]


def test_units_in_repair_or_retired_are_not_usable(centre):
    centre.tent.items.filter(barcode__endswith="-1").update(status="in_repair")
    centre.tent.items.filter(barcode__endswith="-2").update(status="retired")
    free = free_by_day([centre.tent], today(), today(), today=today())
    assert free[centre.tent.pk] == {today(): 1}


def test_free_units_for_many_types_in_three_queries(centre, django_assert_num_queries):
    with django_assert_num_queries(3):
        free_by_day([centre.tent, centre.skis], today(), today() + dt.timedelta(days=13),
                    today=today())  # fmt: skip


@pytest.fixture
def events(centre):
    """Org A's and org B's events in people.room next week, and their borrowers."""
    from booking import services as booking_services
    from tests.conftest import next_weekday_at

    people = centre.people

    def event(organisation, by, weekday):
        start = next_weekday_at(weekday, 12)
        return booking_services.booking_create(
            room=people.room, organisation=organisation, by=by, start=start,
            end=start + dt.timedelta(hours=3), title="Basar", attendees=25,
        )  # fmt: skip

    return SimpleNamespace(
        a=event(people.org_a, people.alice, 4),
        b=event(people.org_b, people.bob, 5),
        borrower_a=services.borrower_for_organisation(people.org_a),
        borrower_b=services.borrower_for_organisation(people.org_b),
    )


def reserve_as(centre, by, borrower, booking=None):
    days = (
        services.booking_days(booking)
        if booking is not None
        else {"start": days_from_today(1), "end": days_from_today(2)}
    )
    return services.reservation_create(
        by=by, borrower=borrower, item_type=centre.tent, quantity=1, booking=booking, **days
    )


def test_the_service_refuses_reserving_for_someone_elses_borrower_or_booking(centre, events):
    people = centre.people
    refused = [
        (people.alice, centre.per, None),  # another person
        (people.alice, events.borrower_b, None),  # another organisation
        (people.alice, events.borrower_a, events.b),  # another organisation's booking
        (people.alice, events.borrower_b, events.b),
        (people.bob, events.borrower_b, events.a),
        (people.alice, services.borrower_for_user(people.alice), events.a),  # not its booker
        (AnonymousUser(), centre.per, None),
        (None, centre.per, None),
    ]
    for by, borrower, booking in refused:
        with pytest.raises(PermissionDenied):
            reserve_as(centre, by, borrower, booking)
    assert not Reservation.objects.exists()

    allowed = [
        (people.alice, services.borrower_for_user(people.alice), None),
        (people.alice, events.borrower_a, None),
        (people.alice, events.borrower_a, events.a),
        (people.bob, events.borrower_b, events.b),
        (centre.dina, centre.per, None),  # staff reserve for anyone
        (people.olga, events.borrower_b, events.b),  # officers are staff too
    ]
    for by, borrower, booking in allowed:
        assert reserve_as(centre, by, borrower, booking).created_by == by
    assert Reservation.objects.count() == len(allowed)


def test_the_service_refuses_a_booking_that_is_no_longer_active(centre, events):
    from booking import services as booking_services

    booking_services.booking_cancel(booking=events.a, by=centre.people.alice)
    events.a.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        reserve_as(centre, centre.dina, events.borrower_a, events.a)
    assert "booking" in caught.value.message_dict
    assert not Reservation.objects.exists()
