"""Equipment follows its booking; partial pick-ups; dates at the edges."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from booking import services as booking_services
from booking.closures import closure_create
from booking.timeutil import OSLO
from lending import counter, notify, services
from lending.models import Reservation
from tests.conftest import next_weekday_at
from tests.factories import BorrowerFactory
from tests.lending.conftest import days_from_today, today

pytestmark = pytest.mark.django_db


def event(people, start, hours=3):
    return booking_services.booking_create(
        room=people.room, organisation=people.org_a, by=people.alice, start=start,
        end=start + dt.timedelta(hours=hours), title="Basar", attendees=25,
    )  # fmt: skip


def chairs_for(centre, booking, quantity=2):
    return services.reservation_create(
        by=centre.people.alice, borrower=services.borrower_for_organisation(booking.organisation),
        item_type=centre.tent, quantity=quantity, booking=booking,
        **services.booking_days(booking),
    )  # fmt: skip


@pytest.mark.parametrize("how", ["cancel", "closure", "reject", "move"])
def test_equipment_is_given_back_when_its_booking_goes(centre, how):
    people = centre.people
    booking = event(people, next_weekday_at(5, 12))
    reservation = chairs_for(centre, booking)
    if how == "cancel":
        booking_services.booking_cancel(booking=booking, by=people.alice)
    elif how == "closure":
        closure_create(site=people.room.site, start=booking.start, end=booking.end,
                       reason="Strømbrudd", by=people.olga)  # fmt: skip
    elif how == "reject":
        booking.status = "pending"
        booking.save()
        booking_services.booking_reject(booking=booking, by=people.olga, note="Nei")
    else:
        booking_services.booking_update(
            booking=booking, by=people.alice, start=booking.start + dt.timedelta(days=1),
            end=booking.end + dt.timedelta(days=1),
        )  # fmt: skip
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"


def test_moving_within_the_day_keeps_the_equipment(centre):
    booking = event(centre.people, next_weekday_at(5, 12))
    reservation = chairs_for(centre, booking)
    booking_services.booking_update(
        booking=booking, by=centre.people.alice, start=booking.start + dt.timedelta(hours=1),
        end=booking.end + dt.timedelta(hours=1),
    )  # fmt: skip
    reservation.refresh_from_db()
    assert reservation.status == "active"


def test_an_event_ending_at_midnight_holds_equipment_for_its_day_only(centre):
    start = next_weekday_at(5, 19)
    booking = event(centre.people, start, hours=5)
    assert services.booking_days(booking) == {"start": start.date(), "end": start.date()}


def test_a_partial_pick_up_keeps_the_rest_promised(centre):
    mine = services.reservation_create(
        by=centre.dina, borrower=centre.per, item_type=centre.tent, quantity=2, start=today(),
        end=days_from_today(2),
    )  # fmt: skip
    later = services.reservation_create(
        by=centre.dina, borrower=centre.per, item_type=centre.skis, quantity=1,
        start=days_from_today(1), end=days_from_today(2),
    )  # fmt: skip
    counter.loan_create(by=centre.dina, borrower=centre.per,
                        barcodes=[f"T{centre.tent.pk}-1", f"T{centre.skis.pk}-1"],
                        due=days_from_today(2))  # fmt: skip
    mine.refresh_from_db()
    later.refresh_from_db()
    assert (mine.status, mine.quantity) == ("active", 1)  # one tent still to pick up
    assert later.status == "active"  # starts tomorrow: not collected by today's loan


def test_a_due_date_beyond_a_year_is_refused_by_field(centre, client_for):
    with pytest.raises(ValidationError) as caught:
        counter.plan_loan(borrower=centre.per, barcodes=[f"T{centre.tent.pk}-1"],
                          due=dt.date(2099, 1, 1), today=today())  # fmt: skip
    assert list(caught.value.message_dict) == ["due"]
    response = client_for(centre.dina).post(
        "/api/v1/lending/loans/check/",
        {"borrower": centre.per.pk, "barcodes": ["X-1"], "due": "2100-12-31"}, format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "due" in response.json()


def test_overdue_notices_wait_for_the_reminder_time(centre, settings):
    settings.REMINDER_TIME = dt.time(18)
    loan = counter.loan_create(by=centre.dina, borrower=BorrowerFactory(),
                               barcodes=[f"T{centre.tent.pk}-1"])  # fmt: skip
    loan.due = days_from_today(-1)
    loan.save()
    morning = dt.datetime.combine(today(), dt.time(0, 5), tzinfo=OSLO)
    assert notify.send_due_reminders(now=morning) == 0
    evening = dt.datetime.combine(today(), dt.time(18, 0), tzinfo=OSLO)
    assert notify.send_due_reminders(now=evening) == 2  # email and SMS


@pytest.mark.parametrize(
    "path", ["/calendar/?week=9999-12-31", "/calendar/?week=0001-01-01",
             "/lending/?start=9999-12-31", "/calendar/public.ics?site=%C2%B2",
             "/lending/labels/?type=%C2%B2", "/lending/counter/?borrower=%C2%B2"],
)  # fmt: skip
def test_odd_query_values_are_not_a_500(centre, path):
    client = Client()
    client.force_login(centre.dina)
    assert client.get(path).status_code == 200


def test_a_far_date_in_the_caretakers_address_is_a_404(people):
    client = Client()
    client.force_login(people.carl)
    assert client.get(f"/caretaker/{people.room.site.pk}/9999-12-31/").status_code == 404
    assert (
        client.get(f"/caretaker/{people.room.site.pk}/{timezone.localdate()}/").status_code == 200
    )


def test_a_cancelled_booking_takes_no_new_equipment_from_its_page(centre):
    booking = event(centre.people, next_weekday_at(5, 12))
    booking_services.booking_cancel(booking=booking, by=centre.people.alice)
    client = Client()
    client.force_login(centre.people.alice)
    client.post(f"/lending/bookings/{booking.pk}/equipment/",
                {"item_type": centre.tent.pk, "quantity": 1})  # fmt: skip
    assert not Reservation.objects.exists()
