"""Calendar invitations (RFC 5545) built with the icalendar package.

Events arrive as plain data in a message's context, so this module knows nothing of
what is being invited to: ``{"uid", "start", "end", "summary", "location",
"description", "sequence", "status"}`` with start and end as ISO 8601 instants.
Times are written in Europe/Oslo with its VTIMEZONE, so calendar programs place them
right on both sides of a DST change.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings

PRODID = "-//Lokale//Lokale//NB"


def build_calendar(events: list[dict], *, now: dt.datetime | None = None) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for data in events:
        event = icalendar.Event()
        event.add("uid", data["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.fromisoformat(data["start"]).astimezone(zone))
        event.add("dtend", dt.datetime.fromisoformat(data["end"]).astimezone(zone))
        event.add("summary", data.get("summary", ""))
        event.add("sequence", int(data.get("sequence", 0)))
        event.add("status", data.get("status", "CONFIRMED"))
        for key in ("location", "description"):
            if data.get(key):
                event.add(key, data[key])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
