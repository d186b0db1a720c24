"""Calendar feeds (RFC 5545) built with django-ical, extended where it falls short.

django-ical writes no VTIMEZONE, a naive DTSTAMP, and drops SEQUENCE (and any field whose
value is 0). Here every event has the booking's stable UID, a SEQUENCE that grows with each
change, DTSTART/DTEND in Europe/Oslo with the zone's VTIMEZONE, a UTC DTSTAMP, and a
cancelled (or rejected) booking stays in the feed with STATUS:CANCELLED for 30 days so that
calendar programs remove it. Each feed answers ETag/Last-Modified, so polling is cheap.
"""

import datetime as dt
import hashlib
import hmac

import icalendar
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from django_ical import feedgenerator
from django_ical.views import ICalFeed

from booking.models import Booking, Organisation, Room, Site
from booking.timeutil import OSLO, UTC

FEED_CACHE_SECONDS = 24 * 3600
GONE_KEPT_FOR = dt.timedelta(days=30)  # a cancelled event stays this long, as CANCELLED
PAST = dt.timedelta(days=30)
AHEAD = dt.timedelta(days=400)
STATUS = {
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.REJECTED: "CANCELLED",
}


class OsloFeed(feedgenerator.ICal20Feed):
    """django-ical's generator, plus the VTIMEZONE of Europe/Oslo that the events use."""

    def write_items(self, calendar):
        super().write_items(calendar)
        if self.items:  # every DTSTART/DTEND here is Europe/Oslo: add its zone once
            calendar.add_component(icalendar.Timezone.from_tzid("Europe/Oslo"))


def feed_bookings(now: dt.datetime | None = None):
    """The bookings a feed may show: from 30 days back to 400 ahead; the active ones, and
    those cancelled or rejected in the last 30 days (so calendars learn they are gone)."""
    now = now or timezone.now()
    return Booking.objects.filter(start__lt=now + AHEAD, end__gt=now - PAST).filter(
        Q(status__in=Booking.ACTIVE_STATUSES) | Q(updated_at__gte=now - GONE_KEPT_FOR)
    )


class BookingFeed(ICalFeed):
    feed_type = OsloFeed
    cache_params: tuple[str, ...] = ()  # query parameters the feed reads (besides token)
    product_id = "-//Lokale//Lokale//NB"
    timezone = "Europe/Oslo"
    link = "/"

    def bookings(self, obj):
        raise NotImplementedError

    def state(self, obj) -> dict:
        """What the feed's version depends on: ``changed`` (newest change), ``n`` and
        ``listed``: names are shown beside public titles only for organisations in the
        directory, so one that opts in or out changes the feed."""
        return self.bookings(obj).aggregate(
            changed=Max("updated_at"),
            n=Count("id"),
            listed=Count("id", filter=Q(organisation__in_directory=True)),
        )

    def items(self, obj):
        return (
            self.bookings(obj).select_related("room__site", "organisation").order_by("start", "id")
        )

    def item_location(self, booking):
        site = booking.room.site
        return ", ".join(p for p in (booking.room.name, site.name, site.address) if p)

    def item_description(self, booking):
        return ""

    def get_feed(self, obj, request):
        """django-ical's feed, with the events added directly: the syndication framework
        looks up ~20 attributes per event with inspect.signature, which took a third of
        the time of a 2,000-event feed (bench/calendars.py)."""
        feed = self.feed_type(
            title=self._get_dynamic_attr("title", obj), link="", description="",
            **self.feed_extra_kwargs(obj),
        )  # fmt: skip
        for booking in self.items(obj):
            feed.add_item(
                title=self.item_title(booking), link="", unique_id=booking.uid,
                description=self.item_description(booking) or None,
                start_datetime=booking.start.astimezone(OSLO),
                end_datetime=booking.end.astimezone(OSLO),
                timestamp=booking.updated_at.astimezone(UTC),
                status=STATUS[booking.status], location=self.item_location(booking),
                sequence=booking.sequence,
            )  # fmt: skip
        return feed


# A public booking was on the activity calendar if it was ever confirmed: confirmed now,
# or cancelled after it had been confirmed (at once in a room without approval, or after an
# officer's approval). Pending and rejected requests were never public.
WAS_PUBLIC = Q(public=True) & (
    Q(status=Booking.Status.CONFIRMED)
    | Q(status=Booking.Status.CANCELLED)
    & (Q(room__requires_approval=False) | Q(decided_at__isnull=False))
)


def _was_public(booking) -> bool:
    if not booking.public:
        return False
    if booking.status == Booking.Status.CONFIRMED:
        return True
    return booking.status == Booking.Status.CANCELLED and (
        not booking.room.requires_approval or booking.decided_at is not None
    )


def public_title(booking) -> str:
    if not _was_public(booking):
        return _("Busy")
    if booking.organisation and booking.organisation.public_name:
        return f"{booking.title} – {booking.organisation.public_name}"
    return booking.title


class RoomFeed(BookingFeed):
    """Anyone: when the room is taken; titles only of public bookings."""

    def get_object(self, request, pk):
        return Room.objects.select_related("site").get(pk=pk, is_active=True)

    def title(self, room):
        return f"{room.name}, {room.site.name}"

    def bookings(self, room):
        return feed_bookings().filter(room=room)

    def item_title(self, booking):
        return public_title(booking)


def _check_token(obj, request):
    given = request.GET.get("token", "")
    if not obj.calendar_token or not hmac.compare_digest(
        obj.calendar_token.encode(), given.encode()
    ):
        raise Http404("no such calendar")
    return obj


class OrganisationFeed(BookingFeed):
    """The organisation's own bookings, with details; the address holds a secret."""

    def get_object(self, request, pk):
        return _check_token(Organisation.objects.get(pk=pk), request)

    def title(self, organisation):
        return organisation.name

    def bookings(self, organisation):
        return feed_bookings().filter(organisation=organisation)

    def item_title(self, booking):
        return booking.title

    def item_description(self, booking):
        return booking.notes


class SiteFeed(BookingFeed):
    """The caretaker's feed of a site: who, how many, how to set up."""

    def get_object(self, request, pk):
        return _check_token(Site.objects.get(pk=pk), request)

    def title(self, site):
        return _("Bookings at %(site)s") % {"site": site.name}

    def bookings(self, site):
        return feed_bookings().filter(room__site=site)

    def items(self, site):
        return super().items(site).select_related("booked_by__profile")

    def item_title(self, booking):
        who = booking.organisation.name if booking.organisation else booking.title
        return f"{booking.room.name}: {who}"

    def item_description(self, booking):
        name, phone = booking.contact
        lines = [
            booking.title,
            _("Contact: %(name)s %(phone)s") % {"name": name, "phone": phone},
            _("Attendees: %(n)d") % {"n": booking.attendees},
        ]  # fmt: skip
        if booking.notes:
            lines.append(_("Setup: %(notes)s") % {"notes": booking.notes})
        return "\n".join(lines)


def _version(feed, request, *args, **kwargs) -> tuple[str, dt.datetime | None]:
    """What the feed's content depends on, read in one query (once per request)."""
    cached = getattr(request, "_feed_version", None)
    if cached is not None:
        return cached
    request._feed_version = _read_version(feed, request, *args, **kwargs)
    return request._feed_version


def _read_version(feed, request, *args, **kwargs) -> tuple[str, dt.datetime | None]:
    try:
        obj = feed.get_object(request, *args, **kwargs)
    except (Http404, Room.DoesNotExist, Organisation.DoesNotExist, Site.DoesNotExist):
        return "", None
    state = feed.state(obj)
    day = timezone.localdate().isoformat()  # the window moves once a day
    # Only what the feed reads: any other parameter would make a new cache entry per value.
    query = [(k, request.GET.get(k, "")) for k in feed.cache_params]
    raw = (
        f"{request.path}:{query}:{state['n']}:{state['changed']}:{day}:{request.LANGUAGE_CODE}"
        f":{state['listed']}"
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32], state["changed"]


def conditional(feed: BookingFeed):
    """The feed view: 304 Not Modified when the client has this version, and the rendered
    calendar from the cache when another client fetched this version before (rendering
    2,000 events through icalendar takes ~0.5 s; see BENCHMARKS.md)."""

    def view(request, *args, **kwargs):
        etag = _version(feed, request, *args, **kwargs)[0]
        key = f"lokale:feed:{etag}"
        body = cache.get(key) if etag else None
        if body is not None:
            return HttpResponse(body, content_type=OsloFeed.mime_type)
        response = feed(request, *args, **kwargs)
        if etag and response.status_code == 200:
            cache.set(key, response.content, timeout=FEED_CACHE_SECONDS)
        return response

    # ETag only: the newest change among the events still in a feed says nothing of an
    # event that left it (moved, made private), so Last-Modified could go backwards.
    return condition(
        etag_func=lambda request, *a, **kw: _version(feed, request, *a, **kw)[0] or None,
    )(view)


room_feed = conditional(RoomFeed())
organisation_feed = conditional(OrganisationFeed())
site_feed = conditional(SiteFeed())
