"""Changes to a weekly series already booked: cancel from one occurrence on, and an
officer's decision on every week awaiting approval. Making a series is booking.series."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import notify, roles, services
from booking.cancellation import cancelled
from booking.models import Booking, BookingSeries
from booking.signals import bookings_released


def series_following(booking: Booking):
    """The active occurrences of the booking's series from this one on: what
    ``series_cancel_from`` would cancel (none for a booking outside a series)."""
    return Booking.objects.filter(
        series_id=booking.series_id,
        series_id__isnull=False,
        start__gte=booking.start,
        status__in=Booking.ACTIVE_STATUSES,
    )


def series_cancel_from(*, booking: Booking, by, reason: str = "") -> int:
    """Cancel this occurrence and every later one of its series; earlier ones stay.

    Who may is decided as for one booking (``booking_cancel``): the booking's organisation
    from an occurrence that has not started, a booking officer also from one that has,
    with a reason."""
    services.require_manager(by, booking)
    if booking.series_id is None:
        raise ValidationError({"series": [_("This booking is not part of a weekly series.")]})
    reason = (reason or "").strip()
    now = timezone.now()
    services.check_may_cancel_started(booking, officer=roles.is_officer(by), reason=reason, now=now)
    with transaction.atomic():
        following = series_following(booking).select_for_update(of=("self",))
        pks = list(following.values_list("pk", flat=True))
        count = Booking.objects.filter(pk__in=pks).update(
            **cancelled(by=by, reason=reason, now=now)
        )
        bookings_released.send(sender=Booking, booking_ids=pks)
        notify.bookings_cancelled(_for_message(pks))
    return count


def series_decide(*, series: BookingSeries, by, approve: bool, note: str = "") -> int:
    """An officer approves or rejects every occurrence of a series still awaiting approval."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers decide on requests")
    note = (note or "").strip()
    if not approve:
        services.check_rejection_note(note)
    now = timezone.now()
    with transaction.atomic():
        pending = Booking.objects.filter(series=series, status=Booking.Status.PENDING)
        pks = list(pending.select_for_update(of=("self",)).values_list("pk", flat=True))
        count = Booking.objects.filter(pk__in=pks).update(
            status=Booking.Status.CONFIRMED if approve else Booking.Status.REJECTED,
            decided_by=by,
            decided_at=now,
            decision_note=note,
            updated_at=now,
            sequence=F("sequence") + 1,
        )
        if not approve:
            bookings_released.send(sender=Booking, booking_ids=pks)
        notify.bookings_decided(_for_message(pks))
    return count


def _for_message(pks: list[int]) -> list[Booking]:
    return list(
        Booking.objects.filter(pk__in=pks).select_related(
            "room__site", "organisation", "booked_by__profile"
        )
    )
