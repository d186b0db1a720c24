"""A booking that waits for its online payment: confirmed once paid, released if not.

Billing calls these once the payment provider has said so; each is a conditional update
of a booking still waiting, so a late webhook, a poll and the release job racing each
other change it once, and the booker hears of it once.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from booking import notify
from booking.cancellation import cancelled
from booking.models import Booking
from booking.signals import bookings_released

_WAITING = {"status": Booking.Status.PENDING, "payment": Booking.Payment.ONLINE}


def booking_paid(*, booking_id: int) -> Booking | None:
    """Confirm a booking whose payment is authorised; the confirmation (with the calendar
    invitation) goes out once. None if it no longer waits (released, cancelled)."""
    now = timezone.now()
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking_id, **_WAITING).update(
            status=Booking.Status.CONFIRMED,
            decided_at=now,
            updated_at=now,
            sequence=F("sequence") + 1,
        )
        if not updated:
            return None
        booking = Booking.objects.select_related("room__site", "organisation").get(pk=booking_id)
        notify.bookings_saved([booking])
    return booking


def booking_unpaid(*, booking_id: int, reason: str) -> Booking | None:
    """Release a booking whose payment was refused, given up or not made in time: the
    time is free again and the booker is told why. None if it no longer waits."""
    now = timezone.now()
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking_id, **_WAITING).update(
            **cancelled(by=None, reason=reason[:500], now=now)
        )
        if not updated:
            return None
        bookings_released.send(sender=Booking, booking_ids=[booking_id])
        booking = Booking.objects.select_related("room__site", "organisation").get(pk=booking_id)
        notify.bookings_cancelled([booking], unpaid=True)
    return booking
