"""The caretaker's day: who uses which room when, and what the caretaker reports back."""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Booking, BookingReport, Closure, Room, Site
from booking.timeutil import local_midnight


def can_see_schedule(user, site: Site) -> bool:
    """Officers see every site; a caretaker the sites they look after (one query)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(caretaker_sites=site) | Q(groups__name=roles.OFFICER_GROUP))
        .exists()
    )


@dataclass
class RoomDay:
    room: Room
    bookings: list[Booking] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)


@dataclass
class DaySchedule:
    site: Site
    date: dt.date
    rooms: list[RoomDay]
    site_closures: list[Closure]

    @property
    def booking_count(self) -> int:
        return sum(len(r.bookings) for r in self.rooms)


def day_schedule(site: Site, day: dt.date) -> DaySchedule:
    """Every room of the site with the day's pending and confirmed bookings (with contact,
    equipment and reports) and closures: five queries, however many rooms and bookings."""
    start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
    bookings = (
        Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start)
        .select_related("organisation", "booked_by__profile")
        .prefetch_related(Prefetch("reports", BookingReport.objects.order_by("created_at")))
        .order_by("start", "id")
    )
    if apps.is_installed("lending"):  # units reserved for the booking, by the lending app
        bookings = bookings.prefetch_related("equipment__item_type")
    rooms = list(
        site.rooms.filter(is_active=True)
        .prefetch_related(Prefetch("bookings", bookings, to_attr="day_bookings"))
        .order_by("name", "id")
    )
    closures = list(
        Closure.objects.filter(
            Q(site=site) | Q(room__site=site), start__lt=end, end__gt=start
        ).order_by("start")
    )
    days = []
    for room in rooms:
        days.append(RoomDay(room, room.day_bookings, [c for c in closures if c.room_id == room.pk]))
    return DaySchedule(site, day, days, [c for c in closures if c.site_id == site.pk])


def booking_report(*, booking: Booking, by, kind: str, note: str = "") -> BookingReport:
    """A caretaker records that nobody came, or an incident. A no-show is recorded once."""
    if kind not in BookingReport.Kind.values:
        raise ValidationError({"kind": [_("Choose no-show or incident.")]})
    if not can_see_schedule(by, booking.room.site):
        raise PermissionDenied("not a caretaker of this site")
    if kind == BookingReport.Kind.NO_SHOW and booking.start > timezone.now():
        raise ValidationError(
            {"kind": [_("A booking can be marked as a no-show once it has started.")]}
        )
    if kind == BookingReport.Kind.INCIDENT and not note.strip():
        raise ValidationError({"note": [_("Say what happened.")]})
    try:
        with transaction.atomic():
            return BookingReport.objects.create(booking=booking, kind=kind, note=note.strip(),
                                                reported_by=by)  # fmt: skip
    except IntegrityError:
        return BookingReport.objects.get(booking=booking, kind=kind)


def no_shows_by_organisation(year: int) -> list[dict]:
    """How often each organisation did not show up that year: the start of fair use."""
    span = (local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1)))
    return list(
        BookingReport.objects.filter(
            kind=BookingReport.Kind.NO_SHOW,
            booking__start__gte=span[0],
            booking__start__lt=span[1],
            booking__organisation__isnull=False,
        )
        .values("booking__organisation", "booking__organisation__name")
        .annotate(count=Count("id"))
        .order_by("-count", "booking__organisation__name")
    )
