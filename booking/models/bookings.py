"""Bookings and the weekly series they may belong to."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking.models.guidelines import Guidelines
from booking.models.organisations import Organisation
from booking.models.places import Room
from booking.models.pricing import PriceRule
from booking.timeutil import to_local
from booking.validators import ChoiceListValidator


def contact_of(first_name, last_name, username, phone, organisation_phone) -> tuple[str, str]:
    """A booking's contact name and phone from the booker's and organisation's fields."""
    return f"{first_name} {last_name}".strip() or username, phone or organisation_phone or ""


class BookingSeries(models.Model):
    """A weekly booking for a season: the same local wall-clock time on one or more
    weekdays from a date until a date. Its occurrences are ordinary bookings, so every
    rule and the no-overlap constraint hold for each."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="series")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="series"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_series"
    )
    weekdays = models.JSONField(
        _("weekdays"), validators=[ChoiceListValidator(list(range(7)), "weekdays (0 = Monday)")]
    )
    start_time = models.TimeField(_("from (local time)"))
    end_time = models.TimeField(_("until (local time)"), help_text=_("00:00 means midnight."))
    first_date = models.DateField(_("first date"))
    until = models.DateField(_("last date"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_date", "id"]
        verbose_name = _("weekly series")
        verbose_name_plural = _("weekly series")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=F("first_date")), name="series_until_after_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_date}–{self.until})"


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    class Payment(models.TextChoices):
        NONE = "", _("nothing to pay")
        INVOICE = "invoice", _("by invoice")
        ONLINE = "online", _("online at booking")

    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED)

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        help_text=_("Empty for a private person."),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"))
    children_and_youth = models.BooleanField(_("children and youth activity"), default=False)
    public = models.BooleanField(_("shown in the activity calendar"), default=False)
    notes = models.TextField(_("notes for the caretaker"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    # The price as quoted when the booking was made (or moved): see booking/pricing.py.
    full_price = models.DecimalField(
        _("full price (NOK)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    price = models.DecimalField(
        _("price (NOK)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    waived = models.DecimalField(
        _("waived (NOK)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    price_rule = models.ForeignKey(
        PriceRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How the price is paid (booking/payers.py). An online booking is pending until its
    # payment is authorised, and released if it is not paid in time.
    payment = models.CharField(
        _("payment"), max_length=10, choices=Payment.choices, default="", blank=True
    )
    payer_name = models.CharField(
        _("name to invoice"), max_length=200, blank=True, help_text=_("A private person's.")
    )
    payer_address = models.TextField(
        _("address to invoice"), max_length=500, blank=True, help_text=_("A private person's.")
    )
    price_rule_name = models.CharField(_("price rule"), max_length=100, blank=True)
    price_reasons = models.JSONField(_("price reasons"), default=list, blank=True)
    # One entry per part priced by one rule (e.g. free until 22:00, paid after):
    # {start, end, rule, rule_name, full, price, reason_nb, reason_en}, money as strings.
    price_lines = models.JSONField(_("price lines"), default=list, blank=True)
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        help_text=_("The weekly series this booking is an occurrence of."),
    )
    guidelines = models.ForeignKey(
        Guidelines,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("guidelines accepted"),
        help_text=_("The version of the site's guidelines the booker accepted."),
    )
    # Grows with every change, so calendar programs take the newest version of the event.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["room", "start"], name="booking_room_start_idx"),
            models.Index(fields=["organisation", "start"], name="booking_org_start_idx"),
            # Reminders, digests, the public calendar, feeds and the support report read
            # the active bookings of a time span across all rooms.
            models.Index(
                fields=["start"],
                name="booking_active_start_idx",
                condition=Q(status__in=["pending", "confirmed"]),
            ),
        ]
        # The no-overlap exclusion constraint lives in migration 0002 (PostgreSQL only).
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="booking_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="booking_attendees_positive"
            ),
            # price + waived = full_price holds exactly in Python's Decimal arithmetic
            # (booking/pricing.py); SQLite would check an equality of sums in floats.
            models.CheckConstraint(
                condition=Q(price__gte=0, waived__gte=0, price__lte=F("full_price")),
                name="booking_price_within_full",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {to_local(self.start):%Y-%m-%d %H:%M} ({self.status})"

    @property
    def awaits_payment(self) -> bool:
        return self.status == self.Status.PENDING and self.payment == self.Payment.ONLINE

    @property
    def status_label(self) -> str:
        """The status in words; a booking waiting for its payment says so."""
        if self.awaits_payment:
            return _("awaiting payment")
        return self.get_status_display()

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def contact(self) -> tuple[str, str]:
        """Who to call about the booking: the booker, with their phone or else the
        organisation's (reads booked_by, its profile and the organisation)."""
        user, organisation = self.booked_by, self.organisation
        return contact_of(
            user.first_name, user.last_name, user.username,
            getattr(getattr(user, "profile", None), "phone", ""),
            organisation.contact_phone if organisation else "",
        )  # fmt: skip

    @property
    def uid(self) -> str:
        """The booking's iCalendar UID: the same in invitations and feeds, forever."""
        return f"booking-{self.pk}@lokale"
