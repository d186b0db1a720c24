"""The public activity calendar: public bookings and published events of a week."""

import datetime as dt

from django.shortcuts import render

from booking.selectors import public_bookings
from booking.timeutil import OSLO, local_midnight
from community.event_forms import CalendarForm
from community.selectors import public_events


def week_entries(monday: dt.date, data: dict) -> list[tuple[dt.date, list]]:
    """The week's days, each with its (start, kind, item) entries in time order. A booking
    carries no category or age group: filtering by either shows events only. A public
    booking that a published event tells about is shown once, as the event."""
    start, end = local_midnight(monday), local_midnight(monday + dt.timedelta(days=7))
    events = public_events(start, end, site=data.get("site"), category=data.get("category"),
                           age_group=data.get("age_group"))  # fmt: skip
    organiser = data.get("organiser")
    if organiser:
        events = events.filter(organisation__category=organiser)
    events = list(events)
    bookings = []
    if not data.get("category") and not data.get("age_group"):
        told = {e.booking_id for e in events if e.booking_id}
        bookings = [
            b for b in public_bookings(start, end, site=data.get("site"), category=organiser)
            if b.pk not in told
        ]  # fmt: skip
    days: dict[dt.date, list] = {monday + dt.timedelta(days=n): [] for n in range(7)}
    entries = [(b.start, "booking", b) for b in bookings] + [(e.start, "event", e) for e in events]
    for when, kind, item in sorted(entries, key=lambda x: (x[0], x[1], x[2].pk)):
        # Something that began before the week (a festival) is shown on its Monday.
        day = max(when.astimezone(OSLO).date(), monday)
        days.setdefault(day, []).append({"kind": kind, "item": item})
    return sorted(days.items())


def activity_calendar(request):
    """What's on in a week, by day: what, who (the organisation), where, when."""
    form = CalendarForm(request.GET or None)
    monday = form.week_start()
    data = form.valid_data()
    query = request.GET.copy()
    query.pop("week", None)
    return render(request, "community/ev_calendar.html", {
        "form": form, "days": week_entries(monday, data),
        "monday": monday, "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7), "query": query.urlencode(),
    })  # fmt: skip
