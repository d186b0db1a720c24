"""Cancelling a paid booking refunds it by the site's terms, after the cancellation has
committed; a refund that failed is made by the sweep."""

import datetime as dt

import pytest

from billing import payments, refunds
from billing.models import SiteAccount
from booking import services
from tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db


def paid(book_online, business, fake_vipps, client, start=None):
    booking = book_online(start)
    payment = payments.payment_start(booking=booking, by=business[0])
    fake_vipps.approve(payment.reference)
    fake_vipps.deliver_to(client)
    payment.refresh_from_db()
    assert payment.captured_ore == 150000
    return booking, payment


def cancel(booking, by, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=by, **kwargs)


def test_cancelled_in_good_time_is_refunded_in_full(
    client, book_online, business, fake_vipps, django_capture_on_commit_callbacks
):
    booking, payment = paid(book_online, business, fake_vipps, client)
    cancel(booking, business[0], django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.refund_due_ore == 150000
    assert payment.refunded_ore == 150000
    assert fake_vipps.refunds[payment.reference] == [150000]
    assert (("POST", f"/epayment/v1/payments/{payment.reference}/refund",
             f"{payment.reference}-refund-0")) in fake_vipps.calls  # fmt: skip


def test_cancelled_late_is_refunded_by_the_late_percent(
    client, settings, book_online, business, fake_vipps, django_capture_on_commit_callbacks
):
    settings.REFUND_LATE_PERCENT = 50
    soon = next_weekday_at(0, 18, weeks=0) + dt.timedelta(days=2)
    booking, payment = paid(book_online, business, fake_vipps, client, start=soon)
    cancel(booking, business[0], django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.refund_due_ore == 75000
    assert fake_vipps.refunds[payment.reference] == [75000]


def test_the_sites_terms_come_before_the_settings(
    client, settings, book_online, business, fake_vipps, django_capture_on_commit_callbacks
):
    settings.REFUND_LATE_PERCENT = 50
    booking, payment = paid(book_online, business, fake_vipps, client)
    SiteAccount.objects.create(site=booking.room.site, refund_full_days=30, refund_late_percent=0)
    cancel(booking, business[0], django_capture_on_commit_callbacks)
    payment.refresh_from_db()
    assert payment.refund_due_ore == 0 and payment.refunded_ore == 0
    assert fake_vipps.refunds[payment.reference] == []


def test_cancelled_by_an_officer_is_refunded_in_full(
    client, settings, people, book_online, business, fake_vipps,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.REFUND_FULL_DAYS = 30
    booking, payment = paid(book_online, business, fake_vipps, client)
    cancel(booking, people.olga, django_capture_on_commit_callbacks, reason="Vannlekkasje")
    payment.refresh_from_db()
    assert payment.refund_due_ore == payment.refunded_ore == 150000


def test_a_refund_that_failed_is_made_by_the_sweep_once(
    client, settings, book_online, business, fake_vipps, django_capture_on_commit_callbacks
):
    booking, payment = paid(book_online, business, fake_vipps, client)
    settings.VIPPS_TIMEOUT = 1
    fake_vipps.delay = 1.5
    cancel(booking, business[0], django_capture_on_commit_callbacks)  # no error for the booker
    payment.refresh_from_db()
    assert payment.refund_due_ore == 150000 and payment.refunded_ore == 0
    assert payment.last_error
    fake_vipps.delay = 0
    assert refunds.refunds_sweep() == 1
    assert refunds.refunds_sweep() == 0
    payment.refresh_from_db()
    assert payment.refunded_ore == 150000
    # The timed-out call may have reached the fake: the same key made it one refund.
    assert fake_vipps.refunds[payment.reference] == [150000]


def test_an_officer_refunds_what_is_left(
    client, settings, people, book_online, business, fake_vipps
):
    _, payment = paid(book_online, business, fake_vipps, client)
    with pytest.raises(Exception, match="booking officers"):
        refunds.payment_refund(payment=payment, by=business[0])
    refunds.payment_refund(payment=payment, by=people.olga)
    payment.refresh_from_db()
    assert payment.refunded_ore == 150000
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        refunds.payment_refund(payment=payment, by=people.olga)
    assert fake_vipps.refunds[payment.reference] == [150000]


def test_refund_due_rounds_half_up():
    class Booking:
        cancelled_by = None
        cancelled_at = None

    booking = Booking()
    booking.start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    booking.room = type("Room", (), {"site_id": 0})()
    from django.test import override_settings

    with override_settings(REFUND_FULL_DAYS=7, REFUND_LATE_PERCENT=33):
        assert refunds.refund_due(captured_ore=150, booking=booking) == 50  # 49.5 → 50
