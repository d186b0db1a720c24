"""The municipality's support to the voluntary sector, made visible: per organisation
and year, what the bookings were worth, what was paid and what was waived.

Sums are made in Python over Decimal values, so money never passes through a float
(SQLite would sum NUMERIC columns as REAL).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from booking.models import Booking, BookingReport, Closure, Room
from booking.pricing import SECONDS_PER_HOUR
from booking.selectors import opening_windows
from booking.timeutil import local_midnight
from config.csvexport import spreadsheet_csv


@dataclass
class OrganisationSupport:
    organisation_id: int | None
    name: str
    org_number: str
    category: str
    bookings: int = 0
    seconds: int = 0
    full: Decimal = field(default_factory=Decimal)
    paid: Decimal = field(default_factory=Decimal)
    waived: Decimal = field(default_factory=Decimal)
    no_shows: int = 0  # bookings starting in the year that a caretaker marked as a no-show

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"))


@dataclass
class RoomUse:
    room_id: int
    site: str
    room: str
    booked_seconds: int = 0
    open_seconds: int = 0

    @property
    def booked_hours(self) -> Decimal:
        return (Decimal(self.booked_seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"))

    @property
    def open_hours(self) -> Decimal:
        return (Decimal(self.open_seconds) / SECONDS_PER_HOUR).quantize(Decimal("0.01"))

    @property
    def use_percent(self) -> Decimal:
        if not self.open_seconds:
            return Decimal(0)
        return (Decimal(100 * self.booked_seconds) / Decimal(self.open_seconds)).quantize(
            Decimal("0.1")
        )


@dataclass
class SupportReport:
    year: int
    organisations: list[OrganisationSupport]
    rooms: list[RoomUse]

    @property
    def total(self) -> OrganisationSupport:
        total = OrganisationSupport(None, _("Total"), "", "")
        for row in self.organisations:
            total.bookings += row.bookings
            total.seconds += row.seconds
            total.full += row.full
            total.paid += row.paid
            total.waived += row.waived
            total.no_shows += row.no_shows
        return total

    @property
    def with_no_shows(self) -> list[OrganisationSupport]:
        return [row for row in self.organisations if row.no_shows]


def _row(organisations: dict, org) -> OrganisationSupport:
    key = org.pk if org else None
    if key not in organisations:
        organisations[key] = (
            OrganisationSupport(org.pk, org.name, org.org_number, org.category)
            if org
            else OrganisationSupport(None, _("Private persons"), "", "private")
        )
    return organisations[key]


def support_report(year: int) -> SupportReport:
    """Confirmed bookings starting in the local calendar year, and rooms' open hours.

    Each organisation's (and the private persons') no-shows are the caretakers' marks on
    its bookings starting in the year, whatever became of the booking afterwards."""
    year_start = local_midnight(dt.date(year, 1, 1))
    year_end = local_midnight(dt.date(year + 1, 1, 1))
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, start__gte=year_start, start__lt=year_end
        )
        .select_related("organisation")
        .only(
            "start", "end", "room_id", "full_price", "price", "waived",
            "organisation__name", "organisation__org_number", "organisation__category",
        )
    )  # fmt: skip
    organisations: dict[int | None, OrganisationSupport] = {}
    booked: dict[int, int] = {}
    for booking in bookings:
        row = _row(organisations, booking.organisation)
        seconds = int((booking.end - booking.start).total_seconds())
        row.bookings += 1
        row.seconds += seconds
        row.full += booking.full_price
        row.paid += booking.price
        row.waived += booking.waived
        booked[booking.room_id] = booked.get(booking.room_id, 0) + seconds
    no_shows = BookingReport.objects.filter(
        kind=BookingReport.Kind.NO_SHOW, booking__start__gte=year_start, booking__start__lt=year_end
    ).select_related("booking__organisation")
    for report in no_shows.only(
        "booking__organisation__name", "booking__organisation__org_number",
        "booking__organisation__category",
    ):  # fmt: skip
        _row(organisations, report.booking.organisation).no_shows += 1

    rooms = []
    closures = list(Closure.objects.filter(start__lt=year_end, end__gt=year_start))
    for room in (
        Room.objects.filter(Q(is_active=True) | Q(pk__in=booked))
        .select_related("site")
        .prefetch_related("opening_hours")
        .order_by("site__name", "name")
    ):
        use = RoomUse(room.pk, room.site.name, room.name, booked_seconds=booked.get(room.pk, 0))
        hours = list(room.opening_hours.all())
        shut = [
            (c.start, c.end) for c in closures if c.room_id == room.pk or c.site_id == room.site_id
        ]
        day = dt.date(year, 1, 1)
        while day.year == year:
            for opens, closes in opening_windows(hours, day):
                seconds = (closes - opens).total_seconds()
                for s, e in shut:
                    overlap = (min(closes, e) - max(opens, s)).total_seconds()
                    seconds -= max(0, overlap)
                use.open_seconds += int(max(0, seconds))
            day += dt.timedelta(days=1)
        rooms.append(use)
    ordered = sorted(organisations.values(), key=lambda r: (r.organisation_id is None, r.name))
    return SupportReport(year=year, organisations=ordered, rooms=rooms)


CSV_COLUMNS = [
    "Organisasjon",
    "Organisasjonsnummer",
    "Kategori",
    "Bookinger",
    "Timer",
    "Full verdi (kr)",
    "Betalt (kr)",
    "Ettergitt (kr)",
    "Møtte ikke opp",
]


def _nok(value: Decimal) -> str:
    """Norwegian spreadsheet style: decimal comma, no thousands separator."""
    return f"{value:.2f}".replace(".", ",")


def support_report_csv(report: SupportReport) -> str:
    """The report as a spreadsheet (config.csvexport): decimal comma, one row per
    organisation and a total."""
    rows = [
        [row.name, row.org_number, row.category, row.bookings, _nok(row.hours), _nok(row.full),
         _nok(row.paid), _nok(row.waived), row.no_shows]
        for row in [*report.organisations, report.total]
    ]  # fmt: skip
    return spreadsheet_csv([CSV_COLUMNS, *rows])
