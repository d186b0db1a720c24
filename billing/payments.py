"""Payment at booking: start a payment, follow what the provider says, release what was
not paid in time.

Every change to a payment happens with its row locked (``select_for_update``), the
provider's answer and the booking's state read under that lock, so a webhook, the
return page's poll and the release job arriving together act once: one capture, one
confirmation, one release. Calls to the provider carry idempotency keys made from the
payment's reference and the operation, so a call repeated after a failure is the same
call. An authorisation for a booking already released is cancelled at the provider:
Lokale never keeps money for a time it gave away.
"""

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.backends import (
    PaymentBackend,
    PaymentError,
    ProviderRefused,
    ProviderUnavailable,
    Status,
    get_backend,
)
from billing.invoicing import to_ore
from billing.models import Payment, PaymentEvent
from booking import roles
from booking.models import Booking
from booking.paid import booking_paid, booking_unpaid
from booking.timeutil import to_local

log = logging.getLogger(__name__)

State = Payment.State
PAID_EVENTS = {"AUTHORIZED", "CAPTURED"}
FAILED_EVENTS = {"ABORTED", "EXPIRED", "TERMINATED", "CANCELLED"}


class PaymentUnavailable(Exception):
    """The payment provider cannot be reached now; the booking still holds its time."""

    def __init__(self):
        super().__init__(
            _(
                "The payment service does not answer right now. Your booking holds its time "
                "for a few minutes; try again shortly."
            )
        )


def may_pay(user, booking: Booking) -> bool:
    """The booker of a private booking, or a member of the booking's organisation."""
    if user is None or not user.is_authenticated:
        return False
    if booking.organisation_id is None:
        return booking.booked_by_id == user.pk
    return booking.organisation_id in roles.organisation_ids(user)


def new_reference(booking: Booking) -> str:
    """Ours, unique, and as the provider wants it (8–50 of a–z, A–Z, 0–9 and -)."""
    return f"lokale-{booking.pk}-{secrets.token_hex(6)}"


def return_url(reference: str) -> str:
    return settings.SITE_URL + reverse("billing:payment_return", args=[reference])


def _description(booking: Booking) -> str:
    start = to_local(booking.start)
    return f"{booking.room.name}, {start:%d.%m.%Y %H:%M}"


def _not_waiting():
    return ValidationError({"booking": [_("This booking does not wait for a payment.")]})


def payment_start(*, booking: Booking, by, backend: PaymentBackend | None = None) -> Payment:
    """Start paying for a booking that waits for its payment, and return the payment with
    the provider's page to send the payer to. Starting again returns the same payment.

    PaymentUnavailable if the provider cannot be reached; the booking keeps waiting (the
    release job frees it if it is never paid)."""
    if not may_pay(by, booking):
        raise PermissionDenied("only the booker or the booking's organisation pays for it")
    backend = backend or get_backend()
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("room").get(pk=booking.pk)
        payment = Payment.objects.filter(booking=locked).first()
        if payment is None:
            if not locked.awaits_payment:
                raise _not_waiting()
            payment = Payment.objects.create(
                booking=locked,
                provider=backend.name,
                reference=new_reference(locked),
                amount_ore=to_ore(locked.price),
            )
    if payment.state != State.NEW:
        return payment
    if not locked.awaits_payment:
        raise _not_waiting()
    try:
        created = backend.create(
            reference=payment.reference,
            amount_ore=payment.amount_ore,
            return_url=return_url(payment.reference),
            description=_description(locked),
            key=f"{payment.reference}-create",
        )
    except PaymentError as error:
        log.warning("payment %s could not be created: %s", payment.reference, error)
        Payment.objects.filter(pk=payment.pk).update(
            last_error=str(error)[:500], updated_at=timezone.now()
        )
        raise PaymentUnavailable() from error
    Payment.objects.filter(pk=payment.pk, state=State.NEW).update(
        state=State.CREATED,
        redirect_url=created.redirect_url,
        last_error="",
        updated_at=timezone.now(),
    )
    payment.refresh_from_db()
    return payment


def observed_state(status: Status) -> str:
    """The provider's state of a payment as one event name: CAPTURED once it holds all of
    the money, else its state (CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED)."""
    if (
        status.state == "AUTHORIZED"
        and status.amount_ore
        and status.captured_ore >= status.amount_ore
    ):
        return "CAPTURED"
    return status.state


def _record(payment: Payment, *, dedup: str, name: str, amount_ore=None, body=None) -> bool:
    """Keep what happened; False if it was kept before (a webhook delivered again)."""
    _, created = PaymentEvent.objects.get_or_create(
        dedup=dedup[:200],
        defaults={
            "payment": payment,
            "name": name[:40],
            "amount_ore": amount_ore,
            "body": body or {},
        },
    )
    return created


def _failed_reason(event: str) -> str:
    if event == "ABORTED":
        return _("The payment was cancelled, so the booking was released.")
    return _("The payment was not completed, so the booking was released.")


def _apply(payment: Payment, event: str, backend: PaymentBackend) -> list[str]:
    """Act on what the provider says, with ``payment`` locked and fresh. Returns the
    fields changed."""
    booking = payment.booking
    now = timezone.now()
    changed = []
    if event == "CREATED":
        if payment.state == State.NEW:
            payment.state = State.CREATED
            changed.append("state")
        return changed
    if event in PAID_EVENTS:
        if payment.authorized_at is None:
            payment.authorized_at = now
            changed.append("authorized_at")
        if booking.awaits_payment:
            if payment.captured_ore < payment.amount_ore:
                try:
                    backend.capture(
                        reference=payment.reference,
                        amount_ore=payment.amount_ore - payment.captured_ore,
                        key=f"{payment.reference}-capture",
                    )
                except ProviderRefused as error:
                    payment.last_error = str(error)[:500]
                    payment.state = State.AUTHORIZED
                    return [*changed, "last_error", "state"]
                _record(
                    payment,
                    dedup=f"call:{payment.reference}-capture",
                    name="capture",
                    amount_ore=payment.amount_ore - payment.captured_ore,
                )
                payment.captured_ore = payment.amount_ore
                changed.append("captured_ore")
            payment.state = State.CAPTURED
            changed.append("state")
            booking_paid(booking_id=booking.pk)
        elif payment.captured_ore == 0 and event == "CAPTURED":
            # The provider holds the money of a booking already released (our record of
            # the capture was lost): all of it is due back; the refund sweep pays it.
            payment.captured_ore = payment.amount_ore
            payment.refund_due_ore = payment.amount_ore
            payment.state = State.CAPTURED
            changed += ["captured_ore", "refund_due_ore", "state"]
        elif payment.captured_ore == 0 and payment.state != State.CANCELLED:
            # Released (timed out, or cancelled) before the money came: give it back.
            try:
                backend.cancel(reference=payment.reference, key=f"{payment.reference}-cancel")
            except ProviderRefused as error:
                payment.last_error = str(error)[:500]
                return [*changed, "last_error"]
            _record(payment, dedup=f"call:{payment.reference}-cancel", name="cancel")
            payment.state = State.CANCELLED
            changed.append("state")
        elif payment.captured_ore and payment.state != State.CAPTURED:
            payment.state = State.CAPTURED
            changed.append("state")
        return changed
    if event in FAILED_EVENTS:
        if payment.captured_ore == 0 and payment.state != event.lower():
            payment.state = event.lower()
            changed.append("state")
        booking_unpaid(booking_id=booking.pk, reason=_failed_reason(event))
    return changed


def _locked(payment_id: int) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",)).select_related("booking").get(pk=payment_id)
    )


def _save(payment: Payment, changed: list[str]) -> None:
    if changed:
        payment.save(update_fields=[*dict.fromkeys(changed), "updated_at"])


def payment_event(
    *, reference: str, name: str, dedup: str, body: dict, backend: PaymentBackend | None = None
) -> Payment | None:
    """A webhook from the provider (signature already checked): kept once; acted on once.
    None for a reference we do not know. ProviderUnavailable (nothing kept) when acting
    needs the provider and it does not answer: the provider delivers the webhook again."""
    backend = backend or get_backend()
    with transaction.atomic():
        payment_id = (
            Payment.objects.filter(reference=reference).values_list("pk", flat=True).first()
        )
        if payment_id is None:
            return None
        payment = _locked(payment_id)
        amount = (body.get("amount") or {}).get("value")
        new = _record(
            payment,
            dedup=dedup,
            name=name,
            amount_ore=amount if isinstance(amount, int) else None,
            body=body,
        )
        if new and body.get("success", True):
            _save(payment, _apply(payment, name.upper(), backend))
    return payment


def payment_poll(*, payment: Payment, backend: PaymentBackend | None = None) -> Payment:
    """Ask the provider how the payment stands and act on it (a late webhook does not
    matter). ProviderUnavailable if it does not answer; nothing changes then."""
    if payment.state == State.NEW:
        return payment
    backend = backend or get_backend()
    status = backend.get(reference=payment.reference)
    with transaction.atomic():
        locked = _locked(payment.pk)
        if status.psp_reference and not locked.psp_reference:
            locked.psp_reference = status.psp_reference[:100]
            _save(locked, ["psp_reference"])
        _save(locked, _apply(locked, observed_state(status), backend))
    return locked


def _release_one(booking_id: int, backend: PaymentBackend, *, overdue: bool) -> bool:
    payment_id = Payment.objects.filter(booking_id=booking_id).values_list("pk", flat=True).first()
    reason = _("The booking was not paid in time, so it was released.")
    if payment_id is None:
        with transaction.atomic():
            # payment_start locks the booking too: either it made the payment first (and
            # the next run polls it), or the booking is released before it starts.
            Booking.objects.select_for_update().get(pk=booking_id)
            if Payment.objects.filter(booking_id=booking_id).exists():
                return False
            return booking_unpaid(booking_id=booking_id, reason=reason) is not None
    payment = Payment.objects.get(pk=payment_id)
    try:
        payment = payment_poll(payment=payment, backend=backend)
        with transaction.atomic():
            locked = _locked(payment_id)
            if not locked.booking.awaits_payment:  # the poll confirmed or released it
                return locked.booking.status == Booking.Status.CANCELLED
            # Not paid (or its capture refused): stop it at the provider, free the time.
            if locked.captured_ore == 0:
                if locked.state in (State.CREATED, State.AUTHORIZED):
                    backend.cancel(reference=locked.reference, key=f"{locked.reference}-cancel")
                    _record(locked, dedup=f"call:{locked.reference}-cancel", name="cancel")
                locked.state = State.CANCELLED
                _save(locked, ["state"])
                return booking_unpaid(booking_id=booking_id, reason=reason) is not None
    except PaymentError as error:
        log.warning("payment %s: the provider did not answer (%s)", payment.reference, error)
        if overdue:
            # Any authorisation arriving later is cancelled (see _apply).
            return booking_unpaid(booking_id=booking_id, reason=reason) is not None
    return False


def payments_release_unpaid(
    *, now: dt.datetime | None = None, backend: PaymentBackend | None = None
) -> int:
    """Release online bookings not paid within PAYMENT_TIMEOUT_MINUTES (after asking the
    provider: one authorised late is confirmed instead). Returns how many were released."""
    now = now or timezone.now()
    timeout = dt.timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
    waiting = list(
        Booking.objects.filter(
            status=Booking.Status.PENDING,
            payment=Booking.Payment.ONLINE,
            created_at__lt=now - timeout,
        ).values_list("pk", "created_at")
    )
    if not waiting:
        return 0
    backend = backend or get_backend()
    released = 0
    for booking_id, created_at in waiting:
        overdue = created_at < now - 2 * timeout
        released += _release_one(booking_id, backend, overdue=overdue)
    return released


__all__ = [
    "PaymentUnavailable",
    "ProviderUnavailable",
    "payment_event",
    "payment_poll",
    "payment_start",
    "payments_release_unpaid",
]
