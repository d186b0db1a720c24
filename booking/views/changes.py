"""Changing a booking on the web: another time or room, other attendees or notes."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles, services
from booking.forms import BookingChangeForm, parse_pk
from booking.models import Booking
from booking.selectors import booking_visible_to, nearest_free_slots
from booking.timeutil import to_local
from booking.validators import MAX_YEAR, MIN_YEAR

# Where a service's field error shows on the change form (others above the form).
CHANGE_FIELD = {"start": "start_time", "end": "end_time"}


def change_link(booking: Booking, room, start: dt.datetime, end: dt.datetime) -> str:
    """The change page with another room and time filled in."""
    query = urlencode(
        {
            "room": room.pk,
            "start": to_local(start).strftime("%Y-%m-%dT%H:%M"),
            "end": to_local(end).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    return f"{reverse('booking:booking_change', args=[booking.pk])}?{query}"


def _initial(request, booking: Booking) -> dict:
    """The booking as it is, with a room and times from the query (a suggested free time)."""
    start, end = to_local(booking.start), to_local(booking.end)
    initial = {
        "room": booking.room_id,
        "date": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "attendees": booking.attendees,
        "notes": booking.notes,
    }
    room = parse_pk(request.GET.get("room"))
    if room:
        initial["room"] = room
    for key, time_key in (("start", "start_time"), ("end", "end_time")):
        try:
            value = dt.datetime.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            continue
        if MIN_YEAR <= value.year <= MAX_YEAR:
            if key == "start":
                initial["date"] = value.date()
            initial[time_key] = value.time()
    return initial


def _service_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        target = CHANGE_FIELD.get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)


@login_required
def booking_change(request, pk: int):
    """Move a booking to another time or room, or change its attendees or notes.

    The change goes through ``booking_update`` (the API's PATCH), which decides who may.
    A taken time answers 409 with the conflict and the nearest free times that day in the
    chosen room; bad input answers 400 with the fields marked; nothing is saved then."""
    booking = get_object_or_404(
        booking_visible_to(request.user).select_related("room__site"), pk=pk
    )
    if not roles.can_manage_booking(request.user, booking):
        raise PermissionDenied
    if not booking.is_active or booking.end <= timezone.now():
        messages.error(
            request, _("Only pending or confirmed bookings that have not ended can be changed.")
        )
        return redirect("booking:booking_detail", pk=booking.pk)
    form = BookingChangeForm(request.POST or None, initial=_initial(request, booking))
    conflict, alternatives = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.booking_update(
                booking=booking,
                by=request.user,
                room=data["room"],
                start=data["start"],
                end=data["end"],
                attendees=data["attendees"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        except services.BookingConflict as taken:
            conflict = taken.bookings
            alternatives = [
                {"start": s, "end": e, "url": change_link(booking, data["room"], s, e)}
                for s, e in nearest_free_slots(
                    room=data["room"],
                    start=data["start"],
                    end=data["end"],
                    user=request.user,
                    now=timezone.now(),
                )
            ]
        else:
            messages.success(request, _("The booking is changed."))
            return redirect("booking:booking_detail", pk=booking.pk)
    status = 409 if conflict else 400 if request.method == "POST" else 200
    return render(
        request,
        "booking/booking_change.html",
        {
            "booking": booking,
            "form": form,
            "conflict": conflict,
            "room": form.cleaned_data.get("room") if conflict else booking.room,
            "alternatives": alternatives,
        },
        status=status,
    )
