"""Payment at booking against the fake Vipps MobilePay server, over a real socket: the
Done-when list of issue 17 (authorised, refused, webhook twice, wrong signature, not
paid in time, provider timing out)."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from billing import payments
from billing.models import Payment, PaymentEvent
from booking import services
from booking.models import Booking
from notifications.models import Message
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def confirmations(booking) -> int:
    return Message.objects.filter(
        template="booking_confirmed", channel=Message.Channel.EMAIL
    ).count()


def start(client, booking, user):
    client.force_login(user)
    response = client.post(f"/payments/booking/{booking.pk}/")
    assert response.status_code == 200, response.content
    payment = Payment.objects.get(booking=booking)
    assert response.context["url"] == payment.redirect_url  # on to the provider's page
    return payment


def test_authorised_payment_confirms_the_booking_with_one_message(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    assert booking.awaits_payment
    assert confirmations(booking) == 0
    payment = start(client, booking, business[0])
    assert payment.amount_ore == 150000
    assert fake_vipps.payments[payment.reference]["amount"] == 150000

    return_url = fake_vipps.approve(payment.reference)
    assert return_url == f"http://testserver/payments/return/{payment.reference}/"
    assert fake_vipps.deliver_to(client) == [200, 200]  # AUTHORIZED, then our CAPTURED

    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert payment.state == Payment.State.CAPTURED
    assert payment.captured_ore == 150000
    assert fake_vipps.captures[payment.reference] == [150000]
    assert confirmations(booking) == 1
    # Coming back to the return page asks the provider again and changes nothing.
    page = client.get(f"/payments/return/{payment.reference}/")
    assert page.status_code == 200 and page.context["outcome"] == "paid"
    assert fake_vipps.captures[payment.reference] == [150000]
    assert confirmations(booking) == 1


def test_refused_payment_releases_the_booking_and_the_time(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.refuse(payment.reference)
    assert fake_vipps.deliver_to(client) == [200]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Payment.objects.get(pk=payment.pk).state == Payment.State.ABORTED
    assert fake_vipps.captures[payment.reference] == []
    assert confirmations(booking) == 0
    again = book_online(booking.start)  # the time is free again
    assert again.awaits_payment


def test_webhook_delivered_twice_captures_once(client, book_online, business, fake_vipps):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.webhook_twice = True
    fake_vipps.approve(payment.reference)
    codes = fake_vipps.deliver_to(client)
    assert codes == [200] * 4  # AUTHORIZED ×2, CAPTURED ×2
    assert fake_vipps.captures[payment.reference] == [150000]
    assert PaymentEvent.objects.filter(payment=payment, name="AUTHORIZED").count() == 1
    assert confirmations(booking) == 1
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_second_authorisation_event_does_not_capture_again(
    client, book_online, business, fake_vipps
):
    """Even a different event (another pspReference) for a captured payment changes nothing."""
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.approve(payment.reference)
    fake_vipps.deliver_to(client)
    fake_vipps._emit(fake_vipps.payments[payment.reference], "AUTHORIZED", 150000)
    assert fake_vipps.deliver_to(client) == [200]
    assert fake_vipps.captures[payment.reference] == [150000]
    assert confirmations(booking) == 1


def test_wrongly_signed_webhook_is_400_and_changes_nothing(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.sign_wrongly = True
    fake_vipps.approve(payment.reference)
    assert fake_vipps.deliver_to(client) == [400]
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert payment.state == Payment.State.CREATED
    assert not PaymentEvent.objects.exists()
    assert fake_vipps.captures[payment.reference] == []


def test_webhook_with_a_changed_body_is_400(client, book_online, business, fake_vipps):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.approve(payment.reference)
    webhook = fake_vipps.pending[0]
    webhook["body"] = webhook["body"].replace(b'"AUTHORIZED"', b'"CAPTURED"')
    fake_vipps.hold_webhooks = False
    assert fake_vipps.deliver_to(client) == [400]
    assert not PaymentEvent.objects.exists()
    # Unsigned: 400 as well.
    assert (
        client.post(
            "/payments/vipps/webhook/", data=b"{}", content_type="application/json"
        ).status_code
        == 400
    )


def test_late_webhook_does_not_matter_the_return_page_polls(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.approve(payment.reference)
    page = client.get(f"/payments/return/{payment.reference}/")
    assert page.status_code == 200
    assert page.context["outcome"] == "paid"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    fake_vipps.release_webhooks()
    assert set(fake_vipps.deliver_to(client)) == {200}
    assert fake_vipps.captures[payment.reference] == [150000]
    assert confirmations(booking) == 1


def test_not_paid_in_time_is_released_and_the_time_is_free_again(
    client, book_online, business, fake_vipps
):
    paying = book_online()
    payment = start(client, paying, business[0])
    never_started = book_online(paying.start + dt.timedelta(days=1))
    soon = timezone.now() + dt.timedelta(minutes=14)
    assert payments.payments_release_unpaid(now=soon) == 0
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments.payments_release_unpaid(now=later) == 2
    for booking in (paying, never_started):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
    assert fake_vipps.cancels[payment.reference] == 1
    assert fake_vipps.payments[payment.reference]["state"] == "TERMINATED"
    assert book_online(paying.start).awaits_payment  # the same time, booked again
    assert payments.payments_release_unpaid(now=soon) == 0  # the new booking waits


def test_authorised_late_is_confirmed_by_the_release_job(client, book_online, business, fake_vipps):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.approve(payment.reference)
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments.payments_release_unpaid(now=later) == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert fake_vipps.captures[payment.reference] == [150000]
    assert fake_vipps.cancels[payment.reference] == 0


def test_authorisation_for_a_released_booking_is_cancelled_not_kept(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    services.booking_cancel(booking=booking, by=business[0])
    fake_vipps.approve(payment.reference)  # the payer approved anyway
    assert set(fake_vipps.deliver_to(client)) == {200}
    assert fake_vipps.captures[payment.reference] == []
    assert fake_vipps.cancels[payment.reference] == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.CANCELLED
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_provider_timing_out_is_a_clear_error_and_the_booking_waits(
    client, settings, book_online, business, fake_vipps
):
    settings.VIPPS_TIMEOUT = 1
    fake_vipps.delay = 1.5
    booking = book_online()
    client.force_login(business[0])
    response = client.post(f"/payments/booking/{booking.pk}/")
    assert response.status_code == 503
    with translation.override("nb"):
        assert str(payments.PaymentUnavailable()) in response.content.decode()
    booking.refresh_from_db()
    assert booking.awaits_payment
    payment = Payment.objects.get(booking=booking)
    assert payment.state == Payment.State.NEW and payment.last_error
    # Once the provider answers, paying works, with the same payment.
    fake_vipps.delay = 0
    again = start(client, booking, business[0])
    assert again.pk == payment.pk and again.state == Payment.State.CREATED


def test_starting_twice_is_one_payment_and_one_create_call(book_online, business, fake_vipps):
    booking = book_online()
    first = payments.payment_start(booking=booking, by=business[0])
    second = payments.payment_start(booking=booking, by=business[0])
    assert first.pk == second.pk and first.reference == second.reference
    creates = [c for c in fake_vipps.calls if c[:2] == ("POST", "/epayment/v1/payments")]
    assert creates == [("POST", "/epayment/v1/payments", f"{first.reference}-create")]
    assert fake_vipps.token_requests == 1  # the access token is kept until it expires


def test_only_the_booker_or_the_organisation_pays(book_online, business, people, fake_vipps):
    booking = book_online()
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=business[1])
    assert payments.payment_start(booking=booking, by=colleague).state == Payment.State.CREATED
    from django.core.exceptions import PermissionDenied

    for outsider in (people.bob, people.olga):
        with pytest.raises(PermissionDenied):
            payments.payment_start(booking=booking, by=outsider)


def test_a_booking_that_does_not_wait_for_payment_cannot_be_paid(people, fake_vipps):
    from django.core.exceptions import ValidationError

    from tests.factories import BookingFactory

    booking = BookingFactory(organisation=people.org_a, booked_by=people.alice)
    with pytest.raises(ValidationError) as error:
        payments.payment_start(booking=booking, by=people.alice)
    assert "booking" in error.value.message_dict
    assert not Payment.objects.exists()


def test_money_captured_for_a_released_booking_is_given_back(
    client, book_online, business, fake_vipps
):
    """Should the provider hold the money of a booking that was released (our record of
    the capture lost), the CAPTURED webhook makes all of it due back, and it is refunded."""
    from billing import refunds
    from billing.vipps import VippsBackend

    booking = book_online()
    payment = start(client, booking, business[0])
    services.booking_cancel(booking=booking, by=business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.approve(payment.reference)
    VippsBackend().capture(reference=payment.reference, amount_ore=150000, key="lost-capture")
    fake_vipps.release_webhooks()
    assert set(fake_vipps.deliver_to(client)) == {200}  # AUTHORIZED (cancel refused), CAPTURED
    payment.refresh_from_db()
    assert payment.captured_ore == payment.refund_due_ore == 150000
    assert refunds.refunds_sweep() == 1
    assert fake_vipps.refunds[payment.reference] == [150000]


def test_a_refused_capture_does_not_hold_the_time_for_ever(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.approve(payment.reference)
    fake_vipps.payments[payment.reference]["authorized"] = 0  # the provider will refuse it
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments.payments_release_unpaid(now=later) == 1
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert payment.state == Payment.State.CANCELLED and payment.last_error
    assert fake_vipps.captures[payment.reference] == []
    assert fake_vipps.cancels[payment.reference] == 1


def test_the_release_job_counts_a_booking_the_provider_says_was_given_up(
    client, book_online, business, fake_vipps
):
    booking = book_online()
    payment = start(client, booking, business[0])
    fake_vipps.hold_webhooks = True
    fake_vipps.expire(payment.reference)
    later = timezone.now() + dt.timedelta(minutes=16)
    assert payments.payments_release_unpaid(now=later) == 1
    payment.refresh_from_db()
    assert payment.state == Payment.State.EXPIRED
    assert fake_vipps.cancels[payment.reference] == 0
