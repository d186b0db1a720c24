"""Where: sites, their rooms, facilities, opening hours and closures."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
    # The secret in the address of this calendar feed; empty until someone makes a link.
    calendar_token = models.CharField(_("calendar link secret"), max_length=64, blank=True,
                                      editable=False)  # fmt: skip

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
