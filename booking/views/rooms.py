"""Pages for finding a room and reading its week."""

import datetime as dt

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from booking.forms import (
    RoomSearchForm,
)
from booking.models import Room, Site
from booking.price_list import room_price_list
from booking.selectors import (
    room_availability,
    rooms_free_between,
)
from booking.timeutil import to_local


def booking_link(room: Room, start: dt.datetime, end: dt.datetime) -> str:
    query = urlencode(
        {
            "start": to_local(start).strftime("%Y-%m-%dT%H:%M"),
            "end": to_local(end).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    return f"{reverse('booking:booking_new', args=[room.pk])}?{query}"


def home(request):
    return redirect("booking:room_finder")


def room_finder(request):
    """Find a room by site, size, facilities and a time to be free."""
    form = RoomSearchForm(request.GET or None)
    rooms = (
        Room.objects.filter(is_active=True)
        .exclude(site__kind=Site.Kind.LENDING_CENTRE)
        .select_related("site")
        .prefetch_related("facilities")
    )
    interval = None
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["site"]:
                rooms = rooms.filter(site=data["site"])
            if data["min_capacity"]:
                rooms = rooms.filter(capacity__gte=data["min_capacity"])
            for facility in data["facilities"]:
                rooms = rooms.filter(facilities=facility)
            if data.get("free_from") and data.get("free_to"):
                interval = (data["free_from"], data["free_to"])
                rooms = rooms_free_between(rooms, *interval)
        else:
            rooms = rooms.none()
    results = [
        {"room": room, "book_url": booking_link(room, *interval) if interval else None}
        for room in rooms
    ]
    return render(
        request,
        "booking/room_finder.html",
        {"form": form, "results": results, "interval": interval},
    )


def _monday(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
        day = today
    return day - dt.timedelta(days=day.weekday())


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{to_local(start):%H:%M}–{to_local(end):%H:%M}"


def _slots(room: Room, start: dt.datetime, end: dt.datetime, earliest: dt.datetime):
    """Clickable starting points inside a free interval, one per bookable length."""
    length = dt.timedelta(minutes=max(60, room.min_booking_minutes))
    step = dt.timedelta(minutes=room.slot_step_minutes)
    slot = start
    while slot < end:
        if slot >= earliest:
            slot_end = min(slot + length, end)
            if slot_end - slot >= dt.timedelta(minutes=room.min_booking_minutes):
                yield {
                    "start": slot,
                    "time": f"{to_local(slot):%H:%M}",
                    "label": _span(slot, slot_end),
                    "url": booking_link(room, slot, slot_end),
                }
        slot += max(length, step)


def room_week(request, pk: int):
    """A room's week: opening hours, free slots to click, busy time (anonymous unless yours)."""
    room = get_object_or_404(
        Room.objects.select_related("site").prefetch_related("facilities", "opening_hours"),
        pk=pk,
        is_active=True,
    )
    monday = _monday(request.GET.get("week"))
    earliest = timezone.now() + dt.timedelta(minutes=room.min_notice_minutes)
    min_length = dt.timedelta(minutes=room.min_booking_minutes)
    days = []
    for day in room_availability(
        room=room, date_from=monday, date_to=monday + dt.timedelta(days=6), user=request.user
    ):
        # Times are formatted here, once, rather than by template filters per entry: a
        # busy week has hundreds of entries. Gaps too short to book are left out.
        entries = [
            {
                "kind": "free",
                "start": f["start"],
                "time": _span(f["start"], f["end"]),
                "slots": list(_slots(room, f["start"], f["end"], earliest)),
            }
            for f in day.free
            if f["end"] - f["start"] >= min_length
        ]
        entries += [{"kind": "busy", "time": _span(b["start"], b["end"]), **b} for b in day.busy]
        entries += [
            {"kind": "closed", "time": _span(c["start"], c["end"]), **c} for c in day.closed
        ]
        entries.sort(key=lambda e: e["start"])
        days.append(
            {
                "date": day.date,
                "open": ", ".join(_span(w["start"], w["end"]) for w in day.open),
                "entries": entries,
            }
        )
    return render(
        request,
        "booking/room_week.html",
        {
            "room": room,
            "days": days,
            "monday": monday,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "prices": room_price_list(room=room),
        },
    )
