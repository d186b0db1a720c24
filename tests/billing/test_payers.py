"""Who pays and how (booking/payers.py), and a booking that waits for its payment
(booking/paid.py): the booking side of money, without any payment provider."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from booking import paid, services
from booking.models import Booking, Organisation
from booking.series import series_create
from tests.conftest import next_weekday_at
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

VIPPS = "billing.vipps.VippsBackend"


@pytest.fixture
def firm(people):
    firm = OrganisationFactory(name="Firma AS", category=Organisation.Category.COMMERCIAL)
    kari = UserFactory(username="kari")
    MembershipFactory(user=kari, organisation=firm)
    return firm, kari


def book(people, organisation, by, start=None, **extra):
    start = start or next_weekday_at(1, 18)
    return services.booking_create(
        room=people.room, organisation=organisation, by=by, start=start,
        end=start + dt.timedelta(hours=2), title="Kurs", attendees=5, **extra,
    )  # fmt: skip


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def test_an_organisation_without_invoice_address_is_told_where_to_add_it(people, firm):
    organisation, kari = firm
    organisation.invoice_address = ""
    organisation.save()
    with translation.override("nb"), pytest.raises(ValidationError) as refused:
        book(people, organisation, kari)
    assert list(refused.value.message_dict) == ["organisation"]
    assert "Min organisasjon" in refused.value.message_dict["organisation"][0]
    assert not Booking.objects.exists()


def test_the_web_form_names_the_missing_payer_fields_and_saves_nothing(people):
    web = Client()
    web.force_login(people.bob)
    start = next_weekday_at(1, 18)
    form = {
        "organisation": "", "date": start.date().isoformat(), "start_time": "18:00",
        "end_time": "20:00", "title": "Bursdag", "attendees": "8", "action": "book",
    }  # fmt: skip
    refused = web.post(f"/rooms/{people.room.pk}/book/", form)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id_payer_name_error"' in html or "payer_name" in html.split("error")[1]
    assert not Booking.objects.exists()
    made = web.post(
        f"/rooms/{people.room.pk}/book/",
        {**form, "payer_name": "Bob Bakken", "payer_address": "Lia 4\n1430 Ås"},
    )
    assert made.status_code == 302
    assert Booking.objects.get().payer_address == "Lia 4\n1430 Ås"


def test_a_private_weekly_series_that_costs_money_asks_for_the_payer(people):
    first = next_weekday_at(1, 18).date()
    season = {
        "room": people.room, "organisation": None, "by": people.bob, "weekdays": [1],
        "start_time": dt.time(18), "end_time": dt.time(20), "first": first,
        "until": first + dt.timedelta(weeks=2), "title": "Trening", "attendees": 5,
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        series_create(**season)
    assert set(refused.value.message_dict) == {"payer_name", "payer_address"}
    assert not Booking.objects.exists()
    _series, bookings, _plan = series_create(**season, payer_name="Bob", payer_address="Lia 4")
    assert {(b.payment, b.payer_name) for b in bookings} == {("invoice", "Bob")}


def test_a_too_long_payer_address_is_a_400_naming_it(people):
    with pytest.raises(ValidationError) as refused:
        book(people, None, people.bob, payer_name="Bob", payer_address="x" * 501)
    assert list(refused.value.message_dict) == ["payer_address"]


def test_without_a_payment_backend_everyone_is_invoiced(people, firm):
    organisation, kari = firm
    assert book(people, organisation, kari).payment == Booking.Payment.INVOICE


@pytest.mark.parametrize(
    ("who", "verified", "method"),
    [
        ("private", None, "online"),
        ("commercial", True, "online"),
        ("other", True, "invoice"),
        ("other", False, "online"),  # paying later is not had by saying so
    ],
)
def test_who_pays_at_booking(people, settings, who, verified, method):
    settings.PAYMENT_BACKEND = VIPPS
    if who == "private":
        booking = book(people, None, people.bob)
    else:
        org = OrganisationFactory(category=who, voluntary_verified=False)
        if verified:
            org.verified_category = who
            org.save()
        MembershipFactory(user=people.bob, organisation=org)
        booking = book(people, org, people.bob)
    assert booking.payment == method
    assert booking.awaits_payment == (method == "online")


def test_a_request_that_needs_approval_is_invoiced_not_paid_online(people, firm, settings):
    settings.PAYMENT_BACKEND = VIPPS
    people.room.requires_approval = True
    people.room.save()
    organisation, kari = firm
    booking = book(people, organisation, kari)
    assert (booking.status, booking.payment) == ("pending", "invoice")


def test_a_waiting_booking_holds_its_time_and_tells_nobody(people, firm, settings, sent):
    settings.PAYMENT_BACKEND = VIPPS
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = sent(lambda: book(people, organisation, kari, start))
    assert booking.status == Booking.Status.PENDING
    with translation.override("nb"):
        assert booking.status_label == "venter på betaling"
    assert mail.outbox == []
    with pytest.raises(services.BookingConflict):
        book(people, people.org_a, people.alice, start)
    # Not an officer's request: not in the queue, and an officer cannot approve it unpaid.
    web = Client()
    web.force_login(people.olga)
    queue = web.get("/approvals/")
    assert queue.status_code == 200 and "Kurs" not in queue.content.decode()
    with pytest.raises(ValidationError):
        services.booking_approve(booking=booking, by=people.olga)


def test_paid_confirms_once_with_one_confirmation(people, firm, settings, sent):
    settings.PAYMENT_BACKEND = VIPPS
    organisation, kari = firm
    booking = book(people, organisation, kari)
    confirmed = sent(lambda: paid.booking_paid(booking_id=booking.pk))
    assert confirmed.status == Booking.Status.CONFIRMED
    assert sent(lambda: paid.booking_paid(booking_id=booking.pk)) is None
    assert sent(lambda: paid.booking_unpaid(booking_id=booking.pk, reason="x")) is None
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Bekreftet"]


def test_unpaid_releases_the_time_and_says_why(people, firm, settings, sent):
    settings.PAYMENT_BACKEND = VIPPS
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    released = sent(lambda: paid.booking_unpaid(booking_id=booking.pk, reason="Ikke betalt"))
    assert released.status == Booking.Status.CANCELLED
    (message,) = mail.outbox
    assert "ble ikke betalt" in message.body and "Ikke betalt" in message.body
    assert paid.booking_paid(booking_id=booking.pk) is None  # too late: stays released
    assert book(people, people.org_a, people.alice, start).status == "confirmed"


def test_a_booking_paid_online_is_not_moved(people, firm, settings):
    settings.PAYMENT_BACKEND = VIPPS
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    paid.booking_paid(booking_id=booking.pk)
    with pytest.raises(ValidationError) as refused:
        services.booking_update(booking=booking, by=kari, end=start + dt.timedelta(hours=3))
    assert list(refused.value.message_dict) == ["start"]
    services.booking_update(booking=booking, by=kari, title="Nytt navn")  # the rest may change
    assert Booking.objects.get().title == "Nytt navn"
