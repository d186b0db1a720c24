"""The pay page, the return page, the officers' payments page (with the refund that asks
first), and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from billing import payments
from billing.models import Payment
from tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def test_pay_page_shows_the_price_and_the_button(client, book_online, business, people):
    booking = book_online()
    client.force_login(business[0])
    page = client.get(f"/payments/booking/{booking.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1500" in text and "Vipps" in text
    assert not Payment.objects.exists()  # GET starts nothing
    client.force_login(people.bob)
    assert client.get(f"/payments/booking/{booking.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/payments/booking/{booking.pk}/").status_code == 302  # to log in


def test_return_page_says_not_paid_after_a_refusal(client, book_online, business, fake_vipps):
    booking = book_online()
    payment = payments.payment_start(booking=booking, by=business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.refuse(payment.reference)
    client.force_login(business[0])
    page = client.get(f"/payments/return/{payment.reference}/")
    assert page.context["outcome"] == "unpaid"
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_return_page_waits_while_the_payer_has_not_decided(
    client, book_online, business, people, fake_vipps
):
    booking = book_online()
    payment = payments.payment_start(booking=booking, by=business[0])
    client.force_login(business[0])
    page = client.get(f"/payments/return/{payment.reference}/")
    assert page.context["outcome"] == "waiting"
    client.force_login(people.bob)
    assert client.get(f"/payments/return/{payment.reference}/").status_code == 404


def _paid(book_online, business, fake_vipps, client, start):
    booking = book_online(start)
    payment = payments.payment_start(booking=booking, by=business[0])
    fake_vipps.approve(payment.reference)
    fake_vipps.deliver_to(client)
    return payment


def test_officers_list_payments_in_the_same_queries_for_one_and_many(
    client, book_online, business, people, fake_vipps
):
    _paid(book_online, business, fake_vipps, client, next_weekday_at(1, 10))
    client.force_login(people.olga)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/payments/").status_code == 200
        return len(queries)

    one = count()
    for day in (2, 3, 4):
        _paid(book_online, business, fake_vipps, client, next_weekday_at(day, 10))
    client.force_login(people.olga)
    assert count() == one
    page = client.get("/payments/")
    assert len(page.context["page"].object_list) == 4
    assert "1500" in page.content.decode()
    client.force_login(business[0])
    assert client.get("/payments/").status_code == 403


def test_officer_refund_asks_first(client, book_online, business, people, fake_vipps):
    payment = _paid(book_online, business, fake_vipps, client, next_weekday_at(1, 10))
    client.force_login(people.olga)
    ask = client.get(f"/payments/{payment.reference}/refund/")
    assert ask.status_code == 200
    assert "1500" in ask.content.decode()
    assert fake_vipps.refunds[payment.reference] == []  # asking changes nothing
    done = client.post(f"/payments/{payment.reference}/refund/")
    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.refunded_ore == 150000
    assert fake_vipps.refunds[payment.reference] == [150000]
    client.force_login(business[0])
    assert client.post(f"/payments/{payment.reference}/refund/").status_code == 403


def test_api_starts_a_payment_once(client_for, book_online, business, people, fake_vipps):
    booking = book_online()
    api = client_for(business[0])
    created = api.post("/api/v1/payments/", {"booking": booking.pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount_ore"] == 150000 and body["state"] == "created"
    assert body["redirect_url"].startswith(fake_vipps.url)
    again = api.post("/api/v1/payments/", {"booking": booking.pk}, format="json")
    assert again.status_code == 200 and again.json()["reference"] == body["reference"]
    shown = api.get(f"/api/v1/payments/{body['reference']}/")
    assert shown.status_code == 200 and shown.json()["booking"] == booking.pk
    other = client_for(people.bob)
    assert other.get(f"/api/v1/payments/{body['reference']}/").status_code == 404
    refused = other.post("/api/v1/payments/", {"booking": booking.pk}, format="json")
    assert refused.status_code == 400 and "booking" in refused.json()
    assert client_for(people.olga).get(f"/api/v1/payments/{body['reference']}/").status_code == 200


@pytest.mark.parametrize("value", ["", "x", -1, 0, 2**40, None])
def test_api_bad_booking_is_400_naming_the_field(client_for, business, value, fake_vipps):
    response = client_for(business[0]).post("/api/v1/payments/", {"booking": value}, format="json")
    assert response.status_code == 400
    assert "booking" in response.json()


def test_api_provider_timeout_is_503(client_for, settings, book_online, business, fake_vipps):
    settings.VIPPS_TIMEOUT = 1
    fake_vipps.delay = 1.5
    booking = book_online()
    response = client_for(business[0]).post(
        "/api/v1/payments/", {"booking": booking.pk}, format="json"
    )
    assert response.status_code == 503
    with translation.override("nb"):
        assert response.json()["detail"] == str(payments.PaymentUnavailable())
    booking.refresh_from_db()
    assert booking.awaits_payment
