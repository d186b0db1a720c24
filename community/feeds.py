"""The public activity calendar feed: public bookings and published events together.

Built on booking's feeds (the same VTIMEZONE, ETag and cache). An event carries its own
stable UID and SEQUENCE, its organisation's name and its public title, description and
place — never a person. A hidden or withdrawn event simply leaves the feed.
"""

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.feeds import (
    AHEAD,
    PAST,
    WAS_PUBLIC,
    BookingFeed,
    conditional,
    feed_bookings,
    public_title,
)
from booking.timeutil import OSLO, UTC
from community.models import Event
from community.selectors import published


def feed_events(site):
    """Published events from 30 days back to 400 ahead, as the bookings."""
    now = timezone.now()
    events = published().filter(start__lt=now + AHEAD, end__gt=now - PAST)
    return events.filter(site_id=site) if site is not None else events


def event_location(event: Event) -> str:
    if event.booking_id and event.booking is not None:
        room, site = event.booking.room, event.site
        parts = (event.place, room.name, site.name if site else "", site.address if site else "")
        return ", ".join(p for p in parts if p)
    return event.place


class PublicFeed(BookingFeed):
    """Anyone: the public activity calendar (public, confirmed bookings and events)."""

    cache_params = ("site",)

    def get_object(self, request):
        raw = request.GET.get("site", "")
        return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 10 else None

    def title(self, site):
        return _("Activities in the municipality")

    def bookings(self, site):
        qs = feed_bookings().filter(WAS_PUBLIC)
        return qs.filter(room__site_id=site) if site is not None else qs

    def state(self, site) -> dict:
        bookings = super().state(site)
        events = feed_events(site).aggregate(
            changed=Max("updated_at"), n=Count("id"),
            listed=Count("id", filter=Q(organisation__in_directory=True)),
        )  # fmt: skip
        changed = [c for c in (bookings["changed"], events["changed"]) if c is not None]
        return {"changed": max(changed) if changed else None,
                "n": f"{bookings['n']}+{events['n']}",
                "listed": f"{bookings['listed']}+{events['listed']}"}  # fmt: skip

    def item_title(self, booking):
        return public_title(booking)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        events = feed_events(obj).select_related("organisation", "site", "booking__room")
        for event in events.order_by("start", "id"):
            feed.add_item(
                title=public_event_title(event), link="",
                unique_id=event.uid, description=event.description or None,
                start_datetime=event.start.astimezone(OSLO),
                end_datetime=event.end.astimezone(OSLO),
                timestamp=event.updated_at.astimezone(UTC), status="CONFIRMED",
                location=event_location(event), sequence=event.sequence,
            )  # fmt: skip
        return feed


def public_event_title(event) -> str:
    """The title, with the organiser's name if it is listed in the directory."""
    name = event.organisation.public_name
    return f"{event.title} – {name}" if name else event.title


public_feed = conditional(PublicFeed())
