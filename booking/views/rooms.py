"""Pages for finding a room and reading its week."""

import datetime as dt

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from booking.forms import (
    RoomSearchForm,
)
from booking.models import Room, Site
from booking.photos import first_thumbnail, with_first_thumbnail
from booking.price_list import room_price_list
from booking.public_holidays import public_holidays
from booking.selectors import (
    room_availability,
    rooms_free_between,
)
from booking.templatetags.lokale import day as day_name
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
        {
            "room": room,
            "book_url": booking_link(room, *interval) if interval else None,
            "thumbnail": first_thumbnail(room),
        }
        for room in with_first_thumbnail(rooms)
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
                    "end": slot_end,
                    "time": f"{to_local(slot):%H:%M}",
                    "label": _span(slot, slot_end),
                    "url": booking_link(room, slot, slot_end),
                }
        slot += max(length, step)


GRID_MINUTES = 15  # one row of the week grid; static/css/week-grid.css has a class per row
DAY_MINUTES = 24 * 60


def _minutes(value: dt.datetime, day: dt.date) -> int:
    """Local minutes since the day's midnight, clipped to the day."""
    local = to_local(value)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _grid(days: list[dict]) -> tuple[int, int]:
    """The hours the week grid shows: from the earliest opening or entry to the latest."""
    spans = [
        (_minutes(e["start"], d["date"]), _minutes(e["end"], d["date"]))
        for d in days
        for e in d["windows"] + d["entries"]
    ]
    if not spans:
        return 8, 16
    first = min(s for s, _e in spans) // 60
    last = -(-max(e for _s, e in spans) // 60)
    return first, max(last, first + 1)


def _place(start: dt.datetime, end: dt.datetime, day: dt.date, first_hour: int) -> str:
    """Grid classes putting an interval of ``day`` in its rows (row 1 is the heading)."""
    offset = first_hour * 60
    top = (_minutes(start, day) - offset) // GRID_MINUTES
    bottom = -(-(_minutes(end, day) - offset) // GRID_MINUTES)
    return f"rs-{top + 2} re-{max(bottom, top + 1) + 2}"


def _render_blocks(d: dict, first_hour: int) -> None:
    """A day's busy and closed time as HTML for the list (``html`` on each entry) and its
    column of the grid (``blocks`` on the day, with the free slots to click).

    Built here rather than by template loops: a busy week has hundreds of entries, shown
    twice, and the page must render in well under 100 ms (bench/week_grid.py)."""
    column, date = d["column"], d["date"]
    busy, closed, pending = _("Busy"), _("Closed"), _("awaiting approval")
    blocks = []
    for e in d["entries"]:
        if e["kind"] == "free":
            for s in e["slots"]:
                label = _("Book %(day)s %(when)s") % {"day": day_name(date), "when": s["label"]}
                blocks.append(
                    f'<a class="b slot {column} {_place(s["start"], s["end"], date, first_hour)}"'
                    f' href="{escape(s["url"])}" aria-label="{escape(label)}">{s["time"]}</a>'
                )
            continue
        place = _place(e["start"], e["end"], date, first_hour)
        if e["kind"] == "busy":
            what = escape(e.get("title") or busy)
            extra = " · " + escape(e["organisation"]) if e.get("organisation") else ""
            if e["status"] == "pending":
                extra += " · " + escape(pending)
        else:
            what, extra = escape(closed), " · " + escape(e["reason"])
        # Every value is escaped above; times are digits.
        e["html"] = mark_safe(  # noqa: S308
            f'<li class="entry {e["kind"]}"><strong>{what}</strong> {e["time"]}{extra}</li>'
        )
        block = f"b {e['kind']} {column} {place}"
        blocks.append(f'<div class="{block}">{e["time"]} {what}{extra}</div>')
    d["blocks"] = mark_safe("".join(blocks))  # noqa: S308


def room_week(request, pk: int):
    """A room's week: opening hours, free slots to click, busy time (anonymous unless yours)
    and public holidays, as a day list (phones) and a time grid (wide screens)."""
    room = get_object_or_404(
        Room.objects.select_related("site").prefetch_related(
            "facilities", "opening_hours", "photos"
        ),
        pk=pk,
        is_active=True,
    )
    monday = _monday(request.GET.get("week"))
    earliest = timezone.now() + dt.timedelta(minutes=room.min_notice_minutes)
    min_length = dt.timedelta(minutes=room.min_booking_minutes)
    sunday = monday + dt.timedelta(days=6)
    holidays = public_holidays(monday, sunday)
    days = []
    for day in room_availability(room=room, date_from=monday, date_to=sunday, user=request.user):
        # Times are formatted here, once, rather than by template filters per entry: a
        # busy week has hundreds of entries. Gaps too short to book are left out.
        entries = [
            {
                "kind": "free",
                "start": f["start"],
                "end": f["end"],
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
                "holiday": holidays.get(day.date, ""),
                "open": ", ".join(_span(w["start"], w["end"]) for w in day.open),
                "windows": day.open,
                "entries": entries,
            }
        )
    first_hour, last_hour = _grid(days)
    for column, d in enumerate(days, start=2):
        d["column"] = f"c-{column}"
        for w in d["windows"]:
            w["place"] = _place(w["start"], w["end"], d["date"], first_hour)
        _render_blocks(d, first_hour)
    hours = [
        {"label": f"{hour:02d}:00", "place": f"rs-{(hour - first_hour) * 4 + 2}"}
        for hour in range(first_hour, last_hour)
    ]
    return render(
        request,
        "booking/room_week.html",
        {
            "room": room,
            "days": days,
            "monday": monday,
            "hours": hours,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "prices": room_price_list(room=room),
        },
    )
