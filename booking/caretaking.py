"""The caretaker's day: who uses which room when, and what the caretaker reports back."""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Booking, BookingReport, Closure, Site
from booking.models.bookings import contact_of
from booking.timeutil import OSLO, local_midnight


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
class Report:
    kind: str
    note: str

    @property
    def kind_display(self) -> str:
        return str(BookingReport.Kind(self.kind).label)


@dataclass
class Entry:
    """A booking as the caretaker reads it: plain values, read without model instances."""

    pk: int
    room_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    title: str
    attendees: int
    notes: str
    organisation: str
    contact_name: str
    contact_phone: str
    equipment_list: list[str] = field(default_factory=list)
    report_list: list[Report] = field(default_factory=list)
    label: str = ""  # room and time, for screen readers on the buttons
    hm_start: str = ""  # local wall-clock times, worked out once
    hm_end: str = ""

    def __post_init__(self):
        self.hm_start = self.start.astimezone(OSLO).strftime("%H:%M")
        self.hm_end = self.end.astimezone(OSLO).strftime("%H:%M")

    @property
    def status_display(self) -> str:
        return str(Booking.Status(self.status).label)


@dataclass
class RoomDay:
    room: dict
    bookings: list[Entry] = field(default_factory=list)
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


ENTRY_FIELDS = (
    "id", "room_id", "start", "end", "status", "title", "attendees", "notes",
    "organisation__name", "organisation__contact_phone", "booked_by__username",
    "booked_by__first_name", "booked_by__last_name", "booked_by__profile__phone",
)  # fmt: skip


def _entry(row: tuple) -> Entry:
    (pk, room_id, start, end, status, title, attendees, notes, org_name, org_phone,
     username, first, last, phone) = row  # fmt: skip
    name, phone = contact_of(first, last, username, phone, org_phone)
    return Entry(
        pk=pk, room_id=room_id, start=start, end=end, status=status, title=title,
        attendees=attendees, notes=notes, organisation=org_name or "", contact_name=name,
        contact_phone=phone,
    )  # fmt: skip


def day_schedule(site: Site, day: dt.date) -> DaySchedule:
    """Every room of the site with the day's pending and confirmed bookings (contact,
    setup notes, equipment, reports) and closures: five queries of plain values, however
    many rooms and bookings (model instances for 300 bookings cost more than the SQL)."""
    start, end = local_midnight(day), local_midnight(day + dt.timedelta(days=1))
    rooms = list(site.rooms.filter(is_active=True).order_by("name", "id").values("id", "name"))
    entries = [
        _entry(row)
        for row in Booking.objects.filter(
            room__site=site, status__in=Booking.ACTIVE_STATUSES, start__lt=end, end__gt=start
        )
        .order_by("start", "id")
        .values_list(*ENTRY_FIELDS)
    ]
    by_pk = {e.pk: e for e in entries}
    for booking_id, kind, note in (
        BookingReport.objects.filter(booking_id__in=by_pk)
        .order_by("created_at", "id")
        .values_list("booking_id", "kind", "note")
    ):
        by_pk[booking_id].report_list.append(Report(kind, note))
    if apps.is_installed("lending"):  # units reserved for the booking, by the lending app
        reservations = apps.get_model("lending", "Reservation").objects.filter(
            booking_id__in=by_pk, status__in=["active", "collected"]
        )
        for booking_id, quantity, name, size in reservations.order_by("id").values_list(
            "booking_id", "quantity", "item_type__name", "item_type__size"
        ):
            by_pk[booking_id].equipment_list.append(f"{quantity} × {name} {size}".strip())
    closures = list(
        Closure.objects.filter(
            Q(site=site) | Q(room__site=site), start__lt=end, end__gt=start
        ).order_by("start")
    )
    per_room: dict[int, list[Entry]] = {room["id"]: [] for room in rooms}
    names = {room["id"]: room["name"] for room in rooms}
    for entry in entries:
        if entry.room_id in per_room:
            entry.label = f"{names[entry.room_id]} {entry.hm_start}"
            per_room[entry.room_id].append(entry)
    days = [
        RoomDay(room, per_room[room["id"]], [c for c in closures if c.room_id == room["id"]])
        for room in rooms
    ]
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
