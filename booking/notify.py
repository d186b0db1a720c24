"""What Lokale tells people about bookings; notifications/ decides how and when it goes out.

Every function here writes outbox rows in the caller's transaction, so a message exists
if and only if the change it reports was saved. Bookings made, decided or cancelled
together (a season, a closure) make one message per person, not one per week.
"""

import datetime as dt
import hashlib
from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch

from booking.models import Booking, Site
from booking.timeutil import OSLO, UTC, local_midnight, wall_time
from notifications.models import Message
from notifications.sealing import seal
from notifications.services import enqueue

EMAIL, SMS = Message.Channel.EMAIL, Message.Channel.SMS


def language_of(user) -> str:
    """The language a person's messages are written in (their profile's; bokmål if none)."""
    profile = getattr(user, "profile", None)
    return profile.language if profile else "nb"


def _recipient(booking: Booking) -> str:
    user = booking.booked_by
    if user.email:
        return user.email
    return booking.organisation.contact_email if booking.organisation else ""


def _booking(booking: Booking) -> dict:
    return {
        "id": booking.pk,
        "title": booking.title,
        "room": booking.room.name,
        "site": booking.room.site.name,
        "address": booking.room.site.address,
        "organisation": booking.organisation.name if booking.organisation else "",
        "start": booking.start.astimezone(UTC).isoformat(),
        "end": booking.end.astimezone(UTC).isoformat(),
        "attendees": booking.attendees,
        "notes": booking.notes,
        "price": str(booking.price),
        "url": f"{settings.SITE_URL}/bookings/{booking.pk}/",
    }


def _event(booking: Booking) -> dict:
    """The booking as a calendar event; its UID is the one the calendar feeds use."""
    return {
        "uid": booking.uid,
        "start": booking.start.astimezone(UTC).isoformat(),
        "end": booking.end.astimezone(UTC).isoformat(),
        "summary": f"{booking.title} – {booking.room.name}",
        "location": ", ".join(p for p in (booking.room.site.name, booking.room.site.address) if p),
        "sequence": booking.sequence,
        "status": "CANCELLED" if booking.status == Booking.Status.CANCELLED else "CONFIRMED",
    }


def _by_recipient(bookings: list[Booking]) -> dict[str, list[Booking]]:
    groups: dict[str, list[Booking]] = defaultdict(list)
    for booking in sorted(bookings, key=lambda b: (b.start, b.pk)):
        groups[_recipient(booking)].append(booking)
    return groups


def _tell(bookings: list[Booking], *, template: str, key: str, calendar=False, **extra) -> None:
    for recipient, group in _by_recipient(bookings).items():
        context = {"bookings": [_booking(b) for b in group], **extra}
        if calendar:
            context["calendar"] = [_event(b) for b in group]
        first = group[0]
        enqueue(
            channel=EMAIL,
            recipient=recipient,
            template=template,
            context=context,
            key=f"{key}:{first.booked_by_id}:{_digest(recipient)}",
            language=language_of(first.booked_by),
        )


def _digest(recipient: str) -> str:
    """Part of a key: one message per recipient, even when one booker's bookings of two
    organisations go to two contact addresses."""
    return hashlib.sha256(recipient.lower().encode()).hexdigest()[:12]


def _revision(bookings: list[Booking]) -> str:
    return f"{bookings[0].pk}.{max(b.sequence for b in bookings)}"


def bookings_saved(bookings: list[Booking], *, changed: bool = False) -> None:
    """Made or moved: awaiting approval, or confirmed with the calendar invitation."""
    if not bookings:
        return
    pending = bookings[0].status == Booking.Status.PENDING
    _tell(
        bookings,
        template="booking_received" if pending else "booking_confirmed",
        key=f"booking:{'received' if pending else 'confirmed'}:{_revision(bookings)}",
        calendar=not pending,
        changed=changed,
    )


def bookings_decided(bookings: list[Booking]) -> None:
    """An officer approved (confirmation with invitation) or rejected (with the reason, and
    how to ask again: the room finder, or the booking office with the booking's number)."""
    if not bookings:
        return
    approved = bookings[0].status == Booking.Status.CONFIRMED
    _tell(
        bookings,
        template="booking_confirmed" if approved else "booking_rejected",
        key=f"booking:decided:{_revision(bookings)}",
        calendar=approved,
        note=bookings[0].decision_note,
        approved_after_request=approved,
        rooms_url=f"{settings.SITE_URL}/rooms/",
    )


def bookings_cancelled(
    bookings: list[Booking], *, by_closure: bool = False, unpaid: bool = False
) -> None:
    """Cancelled by the organisation, by an officer or by a closure, or released for want
    of payment, with the reason."""
    if not bookings:
        return
    first = bookings[0]
    by_officer = first.cancelled_by_id is not None and first.cancelled_by_id != first.booked_by_id
    by = "officer" if by_officer else "organisation"
    if by_closure or unpaid:
        by = "closure" if by_closure else "unpaid"
    _tell(
        bookings,
        template="booking_cancelled",
        key=f"booking:cancelled:{_revision(bookings)}",
        calendar=True,
        reason=first.cancel_reason,
        by=by,
    )


def _reminder_moment(start: dt.datetime) -> dt.datetime:
    """The reminder goes out the day before the booking, at REMINDER_TIME local time."""
    day_before = start.astimezone(OSLO).date() - dt.timedelta(days=1)
    return wall_time(day_before, settings.REMINDER_TIME)


def send_reminders(*, now: dt.datetime) -> int:
    """Remind of every confirmed booking whose reminder is due and not yet sent.

    A booking made after its reminder moment gets none (its confirmation is fresh); a
    moved booking gets a new one, as the key names the start. Returns rows written.
    """
    today = now.astimezone(OSLO).date()
    candidates = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            start__gt=now,
            start__lt=local_midnight(today + dt.timedelta(days=2)),
        )
        .select_related("room__site", "organisation", "booked_by__profile")
        .order_by("start")
    )
    written = 0
    for booking in candidates:
        moment = _reminder_moment(booking.start)
        if not (moment <= now and booking.created_at < moment):
            continue
        key = f"booking:reminder:{booking.pk}:{booking.start.astimezone(UTC):%Y%m%dT%H%M}"
        context = {"bookings": [_booking(booking)]}
        language = language_of(booking.booked_by)
        written += enqueue(channel=EMAIL, recipient=_recipient(booking),
                                template="booking_reminder", context=context, key=key,
                                language=language)  # fmt: skip
        phone = getattr(getattr(booking.booked_by, "profile", None), "phone", "")
        written += enqueue(channel=SMS, recipient=phone, template="booking_reminder",
                                context=context, key=f"{key}:sms", language=language)  # fmt: skip
    return written


def _digest_row(booking: Booking) -> dict:
    """A line of the caretaker's day: who to call, how many, how to set up."""
    name, phone = booking.contact
    return {**_booking(booking), "contact": name, "phone": phone, "status": booking.status}


def send_caretaker_digests(*, now: dt.datetime) -> int:
    """From DIGEST_TIME until noon, each caretaker gets today's bookings at their sites once."""
    local = now.astimezone(OSLO)
    if not settings.DIGEST_TIME <= local.time() < dt.time(12):
        return 0
    today = local.date()
    day = (local_midnight(today), local_midnight(today + dt.timedelta(days=1)))
    todays = (
        Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES, start__lt=day[1], end__gt=day[0])
        .select_related("room__site", "organisation", "booked_by__profile")
        .order_by("room__name", "start")
    )
    sites = (
        Site.objects.filter(caretakers__isnull=False)
        .distinct()
        .prefetch_related(
            "caretakers__profile", Prefetch("rooms__bookings", queryset=todays, to_attr="today")
        )
    )
    per_caretaker: dict = defaultdict(list)
    for site in sites.order_by("name"):
        rows = [_digest_row(b) for room in site.rooms.all() for b in room.today]
        if rows:
            rows.sort(key=lambda r: (r["start"], r["room"]))
            for caretaker in site.caretakers.all():
                per_caretaker[caretaker].append({"name": site.name, "bookings": rows})
    written = 0
    for caretaker, site_list in per_caretaker.items():
        written += enqueue(
            channel=EMAIL, recipient=caretaker.email, template="caretaker_digest",
            context={"date": today.isoformat(), "sites": site_list, "site_url": settings.SITE_URL},
            key=f"digest:{caretaker.pk}:{today.isoformat()}", language=language_of(caretaker),
        )  # fmt: skip
    return written


def invitation_sent(invitation, *, token: str, language: str) -> None:
    """The invitation's link to the invited address. The link's secret is sealed in the
    outbox row (notifications.sealing): the database keeps no usable link."""
    organisation = invitation.organisation
    inviter = invitation.invited_by
    enqueue(
        channel=EMAIL,
        recipient=invitation.email,
        template="organisation_invitation",
        context={
            "organisation": organisation.name,
            "invited_by": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
            "role": invitation.role,
            "expires": invitation.expires_at.astimezone(UTC).isoformat(),
            "sealed": {"url": seal(f"{settings.SITE_URL}/organisations/invitations/{token}/")},
        },
        key=f"invitation:{invitation.pk}",
        language=language,
    )
