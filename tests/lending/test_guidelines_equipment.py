"""Equipment added to a room booking comes under the guidelines the booking accepted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from booking import services as booking_services
from booking.guidelines import guidelines_publish
from lending import services
from lending.models import Reservation
from tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def event(people, **extra):
    start = next_weekday_at(5, 12)
    return booking_services.booking_create(
        room=people.room, organisation=people.org_a, by=people.alice, start=start,
        end=start + dt.timedelta(hours=3), title="Basar", attendees=25, **extra,
    )  # fmt: skip


def reserve(centre, booking, **extra):
    return services.reservation_create(
        by=centre.people.alice, borrower=services.borrower_for_organisation(booking.organisation),
        item_type=centre.tent, quantity=1, booking=booking, **services.booking_days(booking),
        **extra,
    )  # fmt: skip


def test_a_booking_that_accepted_the_guidelines_gets_equipment_without_asking_again(centre):
    people = centre.people
    guidelines_publish(site=people.room.site, by=people.olga, text_nb="Rydd etter dere.")
    booking = event(people, accept_guidelines=True)
    assert reserve(centre, booking).booking == booking


def test_a_booking_made_before_the_guidelines_accepts_them_with_its_equipment(centre):
    people = centre.people
    booking = event(people)
    guidelines = guidelines_publish(site=people.room.site, by=people.olga, text_nb="Rydd.")
    with pytest.raises(ValidationError) as refused:
        reserve(centre, booking)
    assert "accept_guidelines" in refused.value.message_dict
    assert not Reservation.objects.exists()
    reserve(centre, booking, accept_guidelines=True)
    booking.refresh_from_db()
    assert booking.guidelines == guidelines


def test_the_api_names_accept_guidelines_for_such_a_booking(centre, client_for):
    people = centre.people
    booking = event(people)
    guidelines_publish(site=people.room.site, by=people.olga, text_nb="Rydd.")
    body = {"item_type": centre.tent.pk, "quantity": 1, "booking": booking.pk}
    api = client_for(people.alice)
    refused = api.post("/api/v1/lending/reservations/", body, format="json")
    assert refused.status_code == 400 and "accept_guidelines" in refused.json()
    made = api.post(
        "/api/v1/lending/reservations/", {**body, "accept_guidelines": True}, format="json"
    )
    assert made.status_code == 201, made.json()
