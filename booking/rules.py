"""A room's rules for a booking: open, not closed, the right length, step, notice and
size. Every writer (services, series) checks a booking with these before the overlap
guard; they raise ValidationError naming the field."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from booking.models import Closure, OpeningHours, Room
from booking.selectors import opening_windows
from booking.timeutil import to_local


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


CLOSED, OUTSIDE_HOURS = "closed", "outside_hours"


def check_rules(
    *,
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int,
    now: dt.datetime,
    hours: list[OpeningHours] | None = None,
    closures: list[Closure] | None = None,
) -> None:
    """Raise ValidationError naming the field if the booking breaks one of the room's rules.

    ``hours`` may be given already fetched (a series checks many occurrences against one
    read). Closures are checked here only when given; otherwise the caller checks them
    with the room's queue held (``_save_guarded``), where no closure can slip in between.
    """
    if not room.is_active:
        raise _fail("room", _("This room cannot be booked."))
    if start >= end:
        raise _fail("end", _("The end must be after the start."))
    if start < now + dt.timedelta(minutes=room.min_notice_minutes):
        if start < now:
            raise _fail("start", _("The start is in the past."))
        raise _fail(
            "start",
            _("This room must be booked at least %(minutes)d minutes ahead.")
            % {"minutes": room.min_notice_minutes},
        )
    if start > now + dt.timedelta(days=room.booking_horizon_days):
        raise _fail(
            "start",
            _("This room can be booked at most %(days)d days ahead.")
            % {"days": room.booking_horizon_days},
        )
    minutes = (end - start).total_seconds() / 60
    if minutes < room.min_booking_minutes:
        raise _fail(
            "end",
            _("A booking must last at least %(minutes)d minutes.")
            % {"minutes": room.min_booking_minutes},
        )
    if minutes > room.max_booking_minutes:
        raise _fail(
            "end",
            _("A booking can last at most %(minutes)d minutes.")
            % {"minutes": room.max_booking_minutes},
        )
    step = room.slot_step_minutes
    for field, value in (("start", start), ("end", end)):
        local = to_local(value)
        if local.second or local.microsecond or (local.hour * 60 + local.minute) % step:
            raise _fail(
                field,
                _("Times in this room go in steps of %(step)d minutes.") % {"step": step},
            )
    if attendees > room.capacity:
        raise _fail(
            "attendees",
            _("The room has room for at most %(capacity)d people.") % {"capacity": room.capacity},
        )
    day = to_local(start).date()
    if hours is None:
        hours = room.opening_hours.all()
    if not any(opens <= start and end <= closes for opens, closes in opening_windows(hours, day)):
        raise ValidationError(
            {
                "start": [
                    ValidationError(
                        _("The room is not open for the whole of this time."), code=OUTSIDE_HOURS
                    )
                ]
            }
        )
    if closures is not None:
        check_closed(room, start, end, closures)


def check_closed(room: Room, start, end, closures: list[Closure] | None = None) -> None:
    """Refuse a time inside a closure of the room or its site. Writers call this with
    the room's queue held, so a closure saved a moment earlier is seen."""
    if closures is None:
        closure = (
            Closure.objects.filter(
                Q(room=room) | Q(site_id=room.site_id), start__lt=end, end__gt=start
            )
            .only("reason")
            .first()
        )
    else:
        closure = next((c for c in closures if c.start < end and c.end > start), None)
    if closure is not None:
        message = _("The room is closed at this time: %(reason)s") % {"reason": closure.reason}
        raise ValidationError({"start": [ValidationError(message, code=CLOSED)]})
