"""Closures: a site or a room shut for a period, and the bookings that shutting it cancels."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from booking import notify, roles, services
from booking.models import Booking, Closure, Room, Site

# The cancel reason the organisations are given, in bokmål like the rest of what they are sent.
CANCEL_REASON = "Stengt: {reason}"

REASON_MAX_LENGTH = Closure._meta.get_field("reason").max_length


def closure_validate(
    *, site: Site | None = None, room: Room | None = None, start, end, reason: str
) -> None:
    """Raise ValidationError naming each field that is wrong; the database checks the same."""
    errors: dict[str, list[str]] = {}
    if site is None and room is None:
        message = _("Give a site or a room.")
        errors["site"] = errors["room"] = [message]
    elif site is not None and room is not None:
        message = _("Give a site or a room, not both.")
        errors["site"] = errors["room"] = [message]
    if start is None or end is None:
        for field, value in (("start", start), ("end", end)):
            if value is None:
                errors[field] = [_("This field is required.")]
    elif end <= start:
        errors["end"] = [_("The end must be after the start.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give a reason; the organisations are told it.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [
            _("At most %(count)d characters.") % {"count": REASON_MAX_LENGTH},
        ]
    if errors:
        raise ValidationError(errors)


def closure_hits(
    *, site: Site | None = None, room: Room | None = None, start: dt.datetime, end: dt.datetime
) -> QuerySet[Booking]:
    """Pending and confirmed bookings overlapping [start, end) in the room, or in any room
    of the site, earliest first."""
    hits = Booking.objects.filter(
        status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
    ).select_related("room__site", "organisation")
    if room is not None:
        hits = hits.filter(room=room)
    else:
        hits = hits.filter(room__site=site)
    return hits.order_by("start", "id")


def _queue_for_rooms(*, site: Site | None, room: Room | None) -> None:
    """Wait for, then hold until commit, the per-room lock that booking writers take, so
    that no booking is saved into the closed time between reading the hits and committing.
    Rooms in id order, so that two closures over one site cannot deadlock."""
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already holds the one write lock.
    if room is not None:
        room_ids = [room.pk]
    else:
        room_ids = site.rooms.order_by("pk").values_list("pk", flat=True)
    for room_id in room_ids:
        services.queue_for_room(room_id)


def closure_create(
    *,
    site: Site | None = None,
    room: Room | None = None,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    by,
) -> tuple[Closure, list[Booking]]:
    """Close a site or a room and cancel every booking it hits, with the reason recorded.

    Booking officers only. Returns the closure and the cancelled bookings, earliest first.
    """
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers close sites and rooms")
    closure_validate(site=site, room=room, start=start, end=end, reason=reason)
    reason = reason.strip()
    with transaction.atomic():
        _queue_for_rooms(site=site, room=room)
        closure = Closure(site=site, room=room, start=start, end=end, reason=reason)
        closure.full_clean()
        closure.save()
        # Locked so that no one approves, rejects or cancels a hit while it is cancelled here.
        hits = list(
            closure_hits(site=site, room=room, start=start, end=end).select_for_update(of=("self",))
        )
        cancel_reason = CANCEL_REASON.format(reason=reason)
        for booking in hits:
            services.booking_cancel(booking=booking, by=by, reason=cancel_reason, tell=False)
        cancelled = list(
            Booking.objects.filter(pk__in=[b.pk for b in hits])
            .select_related("room__site", "organisation", "booked_by__profile")
            .order_by("start", "id")
        )
        notify.bookings_cancelled(cancelled, by_closure=True)
    return closure, cancelled
