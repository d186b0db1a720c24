"""Closures: a site or a room shut for a period, and the bookings that shutting it cancels."""

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from booking import notify, roles, services
from booking.models import Booking, Closure, Room, Site
from config.errors import ConflictError

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


def closure_fingerprint(
    *, site: Site | None = None, room: Room | None = None, start, end, hits
) -> str:
    """A short digest of the place, the period and the bookings a closure would cancel:
    what an officer saw in a preview, to compare at confirm."""
    place = f"site:{site.pk}" if site is not None else f"room:{room.pk}"
    ids = ",".join(str(pk) for pk in sorted(b.pk for b in hits))
    period = f"{start.astimezone(dt.UTC).isoformat()}/{end.astimezone(dt.UTC).isoformat()}"
    text = f"{place}|{period}|{ids}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class PreviewOutdated(ConflictError):
    """The bookings a closure would cancel are not those the officer was shown (HTTP 409)."""

    def __init__(self, hits: list[Booking], fingerprint: str):
        super().__init__(
            _("The bookings the closure cancels have changed since the preview; check them again."),
            [{"booking": b.pk} for b in hits],
        )
        self.hits = hits
        self.fingerprint = fingerprint


def _queue_for_rooms(*, places: list[tuple[Site | None, Room | None]]) -> None:
    """Wait for, then hold until commit, the per-room lock that booking writers take, so
    that no booking is saved into the closed time between reading the hits and committing.
    Rooms in id order, so that two closures over one site cannot deadlock."""
    if connection.vendor != "postgresql":
        return  # SQLite: the IMMEDIATE transaction already holds the one write lock.
    room_ids = set()
    for site, room in places:
        if room is not None:
            room_ids.add(room.pk)
        elif site is not None:
            room_ids.update(site.rooms.values_list("pk", flat=True))
    for room_id in sorted(room_ids):
        services.queue_for_room(room_id)


def _cancel_hits(*, site, room, start, end, reason, by, expect: str | None) -> list[Booking]:
    """Inside the caller's transaction, with the rooms queued: cancel what [start, end)
    covers, or raise PreviewOutdated if that is not what ``expect`` describes."""
    # Locked so that no one approves, rejects or cancels a hit while it is cancelled here.
    hits = list(
        closure_hits(site=site, room=room, start=start, end=end).select_for_update(of=("self",))
    )
    if expect is not None:
        now = closure_fingerprint(site=site, room=room, start=start, end=end, hits=hits)
        if now != expect:
            raise PreviewOutdated(hits, now)
    cancel_reason = CANCEL_REASON.format(reason=reason)
    for booking in hits:
        services.booking_cancel(booking=booking, by=by, reason=cancel_reason, tell=False)
    cancelled = list(
        Booking.objects.filter(pk__in=[b.pk for b in hits])
        .select_related("room__site", "organisation", "booked_by__profile")
        .order_by("start", "id")
    )
    notify.bookings_cancelled(cancelled, by_closure=True)
    return cancelled


def closure_create(
    *,
    site: Site | None = None,
    room: Room | None = None,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    by,
    expect: str | None = None,
) -> tuple[Closure, list[Booking]]:
    """Close a site or a room and cancel every booking it hits, with the reason recorded.

    Booking officers only. Returns the closure and the cancelled bookings, earliest first.
    ``expect``: the closure_fingerprint of the preview the officer confirmed; if the hits
    differ by now, PreviewOutdated is raised and nothing is saved or cancelled.
    """
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers close sites and rooms")
    closure_validate(site=site, room=room, start=start, end=end, reason=reason)
    reason = reason.strip()
    with transaction.atomic():
        _queue_for_rooms(places=[(site, room)])
        closure = Closure(site=site, room=room, start=start, end=end, reason=reason)
        closure.full_clean()
        closure.save()
        cancelled = _cancel_hits(
            site=site, room=room, start=start, end=end, reason=reason, by=by, expect=expect
        )
    return closure, cancelled


def closure_update(
    *,
    closure: Closure,
    site: Site | None = None,
    room: Room | None = None,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    by,
) -> tuple[Closure, list[Booking]]:
    """Change a closure's place, period or reason, and cancel every booking it now covers
    that is still active (time it no longer covers is simply open again; nothing that was
    cancelled comes back). Booking officers only; the old and new rooms' queues are held.
    Returns the closure and the bookings cancelled now, earliest first."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers change closures")
    closure_validate(site=site, room=room, start=start, end=end, reason=reason)
    reason = reason.strip()
    with transaction.atomic():
        current = Closure.objects.select_for_update().get(pk=closure.pk)
        _queue_for_rooms(places=[(current.site, current.room), (site, room)])
        current.site, current.room, current.start, current.end, current.reason = (
            site, room, start, end, reason,
        )  # fmt: skip
        current.full_clean()
        current.save()
        cancelled = _cancel_hits(
            site=site, room=room, start=start, end=end, reason=reason, by=by, expect=None
        )
    closure.refresh_from_db()
    return closure, cancelled
