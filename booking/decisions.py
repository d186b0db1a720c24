"""An officer's decision on a booking request: approve, or reject with the reason the
organisation is told. A booking waiting for its payment is not a request."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import notify, roles
from booking.models import Booking
from booking.signals import bookings_released


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def check_rejection_note(note: str) -> None:
    if not (note or "").strip():
        raise _fail("note", _("Give a reason for the rejection; the organisation is told it."))


def _decide(*, booking: Booking, by, note: str, status: str) -> Booking:
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers decide on requests")
    note = (note or "").strip()
    if status == Booking.Status.REJECTED:
        check_rejection_note(note)
    with transaction.atomic():
        updated = (
            Booking.objects.filter(pk=booking.pk, status=Booking.Status.PENDING)
            .exclude(payment=Booking.Payment.ONLINE)  # waits for its payment, not for us
            .update(
                status=status,
                decided_by=by,
                decided_at=timezone.now(),
                decision_note=note,
                updated_at=timezone.now(),
                sequence=F("sequence") + 1,
            )
        )
        booking.refresh_from_db()
        if updated and status == Booking.Status.REJECTED:
            bookings_released.send(sender=Booking, booking_ids=[booking.pk])
        if updated:
            notify.bookings_decided([booking])
    if not updated:
        raise _fail("status", _("Only a booking awaiting approval can be approved or rejected."))
    return booking


def booking_approve(*, booking: Booking, by, note: str = "") -> Booking:
    return _decide(booking=booking, by=by, note=note, status=Booking.Status.CONFIRMED)


def booking_reject(*, booking: Booking, by, note: str = "") -> Booking:
    """Reject a request; the note is required, as the organisation is told why."""
    return _decide(booking=booking, by=by, note=note, status=Booking.Status.REJECTED)
