"""Cancelling a booking: the row stays, the time is free again."""

import datetime as dt

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


def cancelled(*, by, reason: str, now: dt.datetime) -> dict:
    """What cancelling writes to a booking's row, for ``QuerySet.update``: one booking,
    a series from an occurrence on, or a payment not made (``by`` None)."""
    return {
        "status": Booking.Status.CANCELLED,
        "cancelled_by": by,
        "cancelled_at": now,
        "cancel_reason": reason,
        "updated_at": now,
        "sequence": F("sequence") + 1,
    }


def require_manager(by, booking: Booking) -> None:
    """Refuse unless ``by`` may change or cancel the booking: an officer, a member of the
    booking's organisation, or the person who made a private booking."""
    if by is None or not roles.can_manage_booking(by, booking):
        raise PermissionDenied("only the booking's organisation or a booking officer")


def booking_cancel(
    *, booking: Booking, by, reason: str = "", tell: bool = True, now: dt.datetime | None = None
) -> Booking:
    """Cancel: the row stays, the time is free again. Cancelling twice changes nothing.

    Members of the booking's organisation (and the booker of a private booking) cancel
    what has not started yet. What has started or taken place stays in the record (the
    support report counts it); only a booking officer may cancel it, with a reason, which
    is kept with who cancelled and when. ``tell=False`` leaves the message to a caller
    that cancels many at once.
    """
    require_manager(by, booking)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if booking.status == Booking.Status.REJECTED:
        raise _fail("status", _("A rejected booking cannot be cancelled."))
    officer = roles.is_officer(by)
    check_may_cancel_started(booking, officer=officer, reason=reason, now=now)
    not_started = {} if officer else {"start__gt": now}
    with transaction.atomic():
        updated = Booking.objects.filter(
            pk=booking.pk, status__in=Booking.ACTIVE_STATUSES, **not_started
        ).update(**cancelled(by=by, reason=reason, now=now))
        booking.refresh_from_db()
        if updated:
            bookings_released.send(sender=Booking, booking_ids=[booking.pk])
        if updated and tell:
            notify.bookings_cancelled([booking])
    if not updated and booking.status != Booking.Status.CANCELLED:
        raise _fail("status", _("This booking can no longer be cancelled."))
    return booking


def check_may_cancel_started(booking: Booking, *, officer: bool, reason: str, now) -> None:
    """A booking that has started is history: members may not cancel it; an officer may
    correct it, saying why."""
    if booking.start > now:
        return
    if not officer:
        raise _fail(
            "start",
            _(
                "This booking has started or taken place and can no longer be cancelled. "
                "If it did not take place, contact the booking office."
            ),
        )
    if not reason:
        raise _fail(
            "reason",
            _("Give a reason for cancelling a booking that has started or taken place."),
        )
