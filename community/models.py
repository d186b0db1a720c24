"""The voluntary sector made visible: organisations' public profiles (the directory) and
their events (with public bookings, the activity calendar). Nothing here is public
unless the organisation chose so: a profile is listed only while the organisation is
``in_directory``; an event is shown while it is published and not hidden by an officer."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, ChoiceListValidator, Organisation, Site


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("children (0–12)")
    YOUTH = "youth", _("young people (13–19)")
    ADULTS = "adults", _("adults")
    SENIORS = "seniors", _("seniors")
    ALL = "all", _("all ages")


class Category(models.TextChoices):
    """After the International Classification of Nonprofit Organizations (ICNPO), as
    Statistics Norway's voluntary-sector accounts use it, with culture and sport apart."""

    CULTURE = "culture", _("culture and arts")
    SPORTS = "sports", _("sports")
    RECREATION = "recreation", _("leisure and social clubs")
    EDUCATION = "education", _("education and research")
    HEALTH = "health", _("health")
    SOCIAL = "social", _("social services")
    ENVIRONMENT = "environment", _("environment and animals")
    COMMUNITY = "community", _("local community and housing")
    ADVOCACY = "advocacy", _("rights, advocacy and politics")
    INTERNATIONAL = "international", _("international")
    RELIGION = "religion", _("religion and life stance")
    PROFESSIONAL = "professional", _("work, trade and professions")
    OTHER = "other", _("other")


class PublicProfile(models.Model):
    """What an organisation tells the public. Shown only while the organisation is listed
    (``Organisation.in_directory``, off by default; its short ``public_description`` is
    the profile's introduction). A contact address of the organisation's own, never a
    member's; the organisation's phone only if its admin chooses so."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="public_profile"
    )
    activities = models.CharField(
        _("activities"), max_length=300, blank=True,
        help_text=_("What you do, in a few words: «korps, marsjering, konserter»."),
    )  # fmt: skip
    categories = models.JSONField(
        _("categories"), default=list, blank=True,
        validators=[ChoiceListValidator(Category.values, "categories")],
    )  # fmt: skip
    age_groups = models.JSONField(
        _("for whom"), default=list, blank=True,
        validators=[ChoiceListValidator(AgeGroup.values, "age groups")],
    )  # fmt: skip
    area = models.CharField(_("area"), max_length=200, blank=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("where"))
    how_to_join = models.TextField(_("how to join"), max_length=1000, blank=True)
    website = models.URLField(_("web site"), max_length=300, blank=True)
    public_email = models.EmailField(_("public contact address"), blank=True)
    show_phone = models.BooleanField(_("show the organisation's phone"), default=False)
    logo = models.FileField(_("logo"), upload_to="logos/", max_length=200, blank=True)
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_thumbnail = models.FileField(upload_to="logos/", max_length=200, blank=True,
                                      editable=False)  # fmt: skip
    # The profile's own words (activities and area) folded (lower case, no accents), kept by
    # community.profiles; search reads the name and introduction from the organisation
    # itself (booking keeps those), so a rename needs nothing from here.
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("public profile")
        verbose_name_plural = _("public profiles")

    def __str__(self):
        return str(self.organisation)


class Event(models.Model):
    """An event an organisation publishes: at one of its own bookings, or at a place
    given in words."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        HIDDEN = "hidden", _("hidden by the municipality")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="events",
        verbose_name=_("booking"),
    )  # fmt: skip
    place = models.CharField(_("place"), max_length=300, blank=True)
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("site"))  # fmt: skip
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    age_groups = models.JSONField(
        _("for whom"), default=list, blank=True,
        validators=[ChoiceListValidator(AgeGroup.values, "age groups")],
    )  # fmt: skip
    link = models.URLField(_("link"), max_length=300, blank=True)
    image = models.FileField(_("image"), upload_to="events/", max_length=200, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_thumbnail = models.FileField(upload_to="events/", max_length=200, blank=True,
                                       editable=False)  # fmt: skip
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PUBLISHED)  # fmt: skip
    hidden_reason = models.TextField(_("why hidden"), max_length=1000, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")  # fmt: skip
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="events")  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Grows with each change, for calendar programs (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="event_start_before_end"),
            models.CheckConstraint(
                condition=Q(booking__isnull=False) | ~Q(place=""), name="event_has_a_place"
            ),
        ]
        indexes = [models.Index(fields=["status", "start"], name="event_status_start")]

    def __str__(self):
        return self.title

    @property
    def uid(self) -> str:
        """As bookings': the same in every feed, forever."""
        return f"event-{self.pk}@lokale"
