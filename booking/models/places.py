"""Where: sites, their rooms, facilities, opening hours and closures."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from booking.translated import in_language

# A universal-design fact: yes, no, or not known (None) when nobody has checked.
FACT = {"null": True, "blank": True, "default": None}
LATITUDE = [MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))]
LONGITUDE = [MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))]


class Described(models.Model):
    """A description typed by staff in each language; shown in the reader's, else bokmål."""

    description_nb = models.TextField(_("description (bokmål)"), blank=True)
    description_nn = models.TextField(_("description (nynorsk)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def description(self) -> str:
        return in_language(self, "description")


class Site(Described):
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
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True,
                                   blank=True, validators=LATITUDE)  # fmt: skip
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=LONGITUDE)  # fmt: skip
    # Facts about the building; those about the room itself are on Room.
    accessible_toilet = models.BooleanField(_("accessible toilet"), **FACT)
    lift = models.BooleanField(_("lift"), **FACT)
    parking = models.BooleanField(_("accessible parking"), **FACT)
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
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="site_coordinates_both_and_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("Give latitude and longitude together.")})

    @property
    def map_url(self) -> str:
        """A link to the site on OpenStreetMap (a link only: no map is drawn here)."""
        if self.latitude is not None and self.longitude is not None:
            lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
        if self.address:
            return f"https://www.openstreetmap.org/search?{urlencode({'query': self.address})}"
        return ""


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


class Room(Described):
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
    step_free_access = models.BooleanField(_("step-free access"), **FACT)
    hearing_loop = models.BooleanField(_("hearing loop"), **FACT)

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

    def universal_design(self) -> list[tuple[str, bool | None]]:
        """The universal-design facts of the room and its building, None where not known."""
        site = self.site
        return [
            (_("Step-free access"), self.step_free_access),
            (_("Accessible toilet"), site.accessible_toilet),
            (_("Hearing loop"), self.hearing_loop),
            (_("Lift"), site.lift),
            (_("Accessible parking"), site.parking),
        ]


class RoomPhoto(models.Model):
    """A photo of a room, re-encoded without metadata, with a thumbnail made on upload.

    Rows are made by ``booking.photos.room_photo_add``, which checks the file.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="photos")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    image = models.FileField(_("photo"), upload_to="rooms/", max_length=200)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    thumbnail = models.FileField(_("thumbnail"), upload_to="rooms/", max_length=200,
                                 editable=False)  # fmt: skip
    thumbnail_width = models.PositiveIntegerField(editable=False)
    thumbnail_height = models.PositiveIntegerField(editable=False)
    alt_nb = models.CharField(_("alt text (bokmål)"), max_length=300)
    alt_nn = models.CharField(_("alt text (nynorsk)"), max_length=300, blank=True)
    alt_en = models.CharField(_("alt text (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["room", "order", "id"]
        verbose_name = _("room photo")
        verbose_name_plural = _("room photos")
        constraints = [
            models.CheckConstraint(condition=~Q(alt_nb=""), name="room_photo_alt_nb_required"),
        ]

    def __str__(self) -> str:
        return self.alt_nb

    @property
    def alt(self) -> str:
        return in_language(self, "alt")


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
