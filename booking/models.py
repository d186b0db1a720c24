import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from booking.timeutil import to_local
from booking.validators import validate_org_number


class Profile(models.Model):
    """What Lokale needs to know about a person beyond Django's user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )

    def __str__(self) -> str:
        return str(self.user)


class Organisation(models.Model):
    class Category(models.TextChoices):
        VOLUNTARY = "voluntary", _("voluntary organisation")
        MUNICIPAL = "municipal", _("municipal unit")
        COMMERCIAL = "commercial", _("commercial")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(
        _("organisation number"), max_length=9, blank=True, validators=[validate_org_number]
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    voluntary_verified = models.BooleanField(_("verified as voluntary"), default=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~Q(org_number=""),
                name="organisation_org_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.role})"


class Site(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        INNBYGGERTORG = "innbyggertorg", _("innbyggertorg")
        CULTURE_HOUSE = "culture_house", _("culture house")
        SPORTS_HALL = "sports_hall", _("sports hall")
        LENDING_CENTRE = "lending_centre", _("lending centre")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    caretakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="caretaker_sites"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    """Something a room offers: projector, kitchen, wheelchair access, hearing loop, …"""

    slug = models.SlugField(_("code"), unique=True)
    name_nb = models.CharField(_("name (bokmål)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name_nb


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    facilities = models.ManyToManyField(Facility, blank=True, related_name="rooms")
    min_booking_minutes = models.PositiveIntegerField(_("minimum booking (minutes)"), default=30)
    max_booking_minutes = models.PositiveIntegerField(_("maximum booking (minutes)"), default=480)
    slot_step_minutes = models.PositiveIntegerField(
        _("slot step (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    booking_horizon_days = models.PositiveIntegerField(_("bookable days ahead"), default=365)
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=60)
    requires_approval = models.BooleanField(_("requests need approval"), default=False)
    hourly_price = models.DecimalField(
        _("full hourly price (NOK)"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        ordering = ["site__name", "name", "id"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_booking_minutes__lte=F("max_booking_minutes")),
                name="room_min_le_max_length",
            ),
            models.CheckConstraint(
                condition=Q(hourly_price__gte=0), name="room_hourly_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.name}: {self.name}"


class OpeningHours(models.Model):
    """A weekly window in which a room can be booked, in Europe/Oslo wall-clock time.

    ``closes`` of 00:00 means midnight at the end of the day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, validators=[MaxValueValidator(6)]
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["room", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes=dt.time(0)),
                name="opening_hours_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A site or a room closed for a period: holidays, maintenance, exams."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="closure_start_before_end"
            ),
            models.CheckConstraint(
                condition=(Q(site__isnull=False) & Q(room__isnull=True))
                | (Q(site__isnull=True) & Q(room__isnull=False)),
                name="closure_site_xor_room",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site or self.room}: {self.reason}"


@deconstructible
class ChoiceListValidator:
    """A JSON list whose every item is one of the allowed values."""

    def __init__(self, allowed: list, what: str):
        self.allowed = list(allowed)
        self.what = what

    def __call__(self, values):
        if not isinstance(values, list) or any(v not in self.allowed for v in values):
            raise ValidationError(
                _("Choose %(what)s among: %(allowed)s.")
                % {"what": self.what, "allowed": ", ".join(map(str, self.allowed))}
            )

    def __eq__(self, other):
        return (
            isinstance(other, ChoiceListValidator)
            and self.allowed == other.allowed
            and self.what == other.what
        )


class PriceRule(models.Model):
    """One line of the municipality's price list. The first active rule (lowest order)
    whose every condition matches decides the price of a part of a booking."""

    PRIVATE = "private"
    BOOKER_KINDS = [*Organisation.Category.choices, (PRIVATE, _("private person"))]

    class Effect(models.TextChoices):
        PERCENT_OFF = "percent_off", _("percent off the full price")
        HOURLY_PRICE = "hourly_price", _("fixed hourly price")

    order = models.PositiveIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    booker_kinds = models.JSONField(
        _("who books"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator([k for k, _label in BOOKER_KINDS], "booker kinds")],
        help_text=_(
            "Empty: anyone. Otherwise a list of: voluntary, municipal, commercial, other, private."
        ),
    )
    voluntary_verified = models.BooleanField(
        _("verified as voluntary"),
        null=True,
        blank=True,
        help_text=_("Empty: either. Yes: only verified organisations. No: only unverified."),
    )
    site_kinds = models.JSONField(
        _("site kinds"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Site.Kind.values, "site kinds")],
        help_text=_("Empty: any site."),
    )
    room = models.ForeignKey(
        "Room", on_delete=models.CASCADE, null=True, blank=True, related_name="price_rules"
    )
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(list(range(7)), "weekdays (0 = Monday)")],
        help_text=_("Empty: every day. Otherwise numbers, 0 = Monday … 6 = Sunday."),
    )
    time_from = models.TimeField(_("from (local time)"), null=True, blank=True)
    time_to = models.TimeField(
        _("until (local time)"), null=True, blank=True, help_text=_("00:00 means midnight.")
    )
    children_and_youth = models.BooleanField(
        _("children and youth activity"), null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    free_hours_per_week = models.PositiveIntegerField(
        _("at most this many hours a week per organisation and site"),
        null=True,
        blank=True,
        help_text=_("A fair-use cap: hours beyond it are priced by the next matching rule."),
    )
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices)
    percent_off = models.DecimalField(
        _("percent off"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    hourly_price = models.DecimalField(
        _("hourly price (NOK)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    reason_nb = models.CharField(_("reason (bokmål)"), max_length=300)
    reason_en = models.CharField(_("reason (English)"), max_length=300)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_off__gte=0, percent_off__lte=100),
                name="price_rule_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(hourly_price__gte=0), name="price_rule_hourly_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(time_from__isnull=True)
                | Q(time_to__isnull=True)
                | Q(time_to=dt.time(0))
                | Q(time_to__gt=F("time_from")),
                name="price_rule_window_forward",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="price_rule_validity_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self):
        errors = {}
        if (
            self.time_from is not None
            and self.time_to not in (None, dt.time(0))
            and self.time_to <= self.time_from
        ):
            errors["time_to"] = _("The window must end after it starts (00:00 is midnight).")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("Must not be before valid from.")
        if errors:
            raise ValidationError(errors)


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["room", "start"], name="booking_room_start_idx"),
            models.Index(fields=["organisation", "start"], name="booking_org_start_idx"),
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
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES
