"""Thin tasks: the release of unpaid bookings and the refunds (beat runs the sweeps)."""

import logging

from celery import shared_task
from django.conf import settings

from billing import payments, refunds

log = logging.getLogger(__name__)


@shared_task(name="billing.release_unpaid")
def release_unpaid() -> int:
    if not settings.PAYMENT_BACKEND:
        return 0
    return payments.payments_release_unpaid()


@shared_task(name="billing.refund_bookings")
def refund_bookings(booking_ids: list[int]) -> int:
    return refunds.refunds_for_bookings(booking_ids=booking_ids)


@shared_task(name="billing.make_refunds")
def make_refunds() -> int:
    return refunds.refunds_sweep()


def dispatch_refunds(booking_ids: list[int]) -> None:
    """After a cancellation has committed: hand its refunds to a worker, or make them here
    if there is no broker. Never raises; the sweep makes what this did not."""
    try:
        if settings.CELERY_BROKER_URL:
            refund_bookings.apply_async((booking_ids,), retry=False)
        else:
            refunds.refunds_for_bookings(booking_ids=booking_ids)
    except Exception:
        log.exception("refunds for bookings %s were not made now; the sweep will", booking_ids)
