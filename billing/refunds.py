"""Refunds of paid bookings that are cancelled, by the site's cancellation terms.

When a booking is cancelled, billing hears of it after the transaction commits
(``billing.apps``) and decides here, once, what is due back: everything if the booking
was cancelled at least ``refund_full_days`` before it starts (the site's terms, else
``REFUND_FULL_DAYS``) or by a booking officer, else ``refund_late_percent`` of it. The
decision is kept (``refund_due_ore``) before the money is sent back, so a refund that
failed is made by the sweep later, and the refund's idempotency key (the reference and
what had been refunded before it) makes a repeated call the same refund.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.backends import PaymentBackend, PaymentError, get_backend
from billing.invoicing import require_officer
from billing.models import Payment, PaymentEvent, SiteAccount
from booking import roles
from booking.models import Booking

log = logging.getLogger(__name__)


def refund_terms(site_id: int) -> tuple[int, int]:
    """(full refund until this many days before, percent refunded later) for a site."""
    account = SiteAccount.objects.filter(site_id=site_id).first()
    full_days = settings.REFUND_FULL_DAYS
    late_percent = settings.REFUND_LATE_PERCENT
    if account is not None and account.refund_full_days is not None:
        full_days = account.refund_full_days
    if account is not None and account.refund_late_percent is not None:
        late_percent = account.refund_late_percent
    return full_days, late_percent


def refund_due(*, captured_ore: int, booking: Booking) -> int:
    """What the terms give back of ``captured_ore`` for a cancelled booking (whole øre,
    half rounded up)."""
    if booking.cancelled_by is not None and roles.is_officer(booking.cancelled_by):
        return captured_ore
    full_days, late_percent = refund_terms(booking.room.site_id)
    cancelled_at = booking.cancelled_at or timezone.now()
    if booking.start - cancelled_at >= dt.timedelta(days=full_days):
        return captured_ore
    return (captured_ore * late_percent + 50) // 100


def _locked(payment_id: int) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",))
        .select_related("booking__room", "booking__cancelled_by")
        .get(pk=payment_id)
    )


def refund_decide(*, payment_id: int) -> Payment:
    """Decide, once, what is due back for a paid booking that was cancelled."""
    with transaction.atomic():
        payment = _locked(payment_id)
        booking = payment.booking
        if (
            payment.refund_due_ore is None
            and payment.captured_ore > 0
            and booking.status == Booking.Status.CANCELLED
        ):
            payment.refund_due_ore = refund_due(captured_ore=payment.captured_ore, booking=booking)
            payment.save(update_fields=["refund_due_ore", "updated_at"])
    return payment


def refund_make(*, payment_id: int, backend: PaymentBackend | None = None) -> Payment:
    """Send back what is due and not yet refunded, with the payment locked. PaymentError
    if the provider does not do it (kept in ``last_error``; the sweep tries again)."""
    failure = None
    with transaction.atomic():
        payment = _locked(payment_id)
        owed = (payment.refund_due_ore or 0) - payment.refunded_ore
        if owed <= 0:
            return payment
        backend = backend or get_backend()
        key = f"{payment.reference}-refund-{payment.refunded_ore}"
        try:
            backend.refund(reference=payment.reference, amount_ore=owed, key=key)
        except PaymentError as error:
            failure = error
        else:
            PaymentEvent.objects.get_or_create(
                dedup=f"call:{key}",
                defaults={"payment": payment, "name": "refund", "amount_ore": owed},
            )
            Payment.objects.filter(pk=payment.pk).update(
                refunded_ore=F("refunded_ore") + owed, last_error="", updated_at=timezone.now()
            )
            payment.refresh_from_db()
    if failure is not None:
        Payment.objects.filter(pk=payment_id).update(last_error=str(failure)[:500])
        raise failure
    return payment


def refunds_for_bookings(*, booking_ids: list[int], backend: PaymentBackend | None = None) -> int:
    """Cancelled bookings that were paid: decide and make their refunds. How many made."""
    made = 0
    payments = Payment.objects.filter(
        booking_id__in=booking_ids,
        captured_ore__gt=0,
        booking__status=Booking.Status.CANCELLED,
    ).values_list("pk", flat=True)
    for payment_id in payments:
        payment = refund_decide(payment_id=payment_id)
        if (payment.refund_due_ore or 0) > payment.refunded_ore:
            refund_make(payment_id=payment_id, backend=backend)
            made += 1
    return made


def refunds_sweep(*, backend: PaymentBackend | None = None) -> int:
    """Refunds decided but not (all) made, and cancelled paid bookings not yet decided."""
    if not settings.PAYMENT_BACKEND and backend is None:
        return 0
    undecided = Payment.objects.filter(
        captured_ore__gt=0, refund_due_ore__isnull=True, booking__status=Booking.Status.CANCELLED
    ).values_list("pk", flat=True)
    for payment_id in undecided:
        refund_decide(payment_id=payment_id)
    made = 0
    for payment_id in Payment.objects.filter(refund_due_ore__gt=F("refunded_ore")).values_list(
        "pk", flat=True
    ):
        try:
            refund_make(payment_id=payment_id, backend=backend)
            made += 1
        except PaymentError as error:
            log.warning("refund of payment %s failed: %s", payment_id, error)
    return made


def payment_refund(*, payment: Payment, by, backend: PaymentBackend | None = None) -> Payment:
    """An officer gives back everything that was paid (goodwill, or a refund the terms did
    not give); what was refunded before is not refunded again."""
    require_officer(by)
    with transaction.atomic():
        locked = _locked(payment.pk)
        if locked.captured_ore <= locked.refunded_ore:
            raise ValidationError({"payment": [_("Nothing paid is left to refund.")]})
        if locked.refund_due_ore != locked.captured_ore:
            locked.refund_due_ore = locked.captured_ore
            locked.save(update_fields=["refund_due_ore", "updated_at"])
    return refund_make(payment_id=payment.pk, backend=backend)
