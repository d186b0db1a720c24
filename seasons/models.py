"""Season allocation: a season of rooms, organisations' applications with ranked wishes,
and the allocation of each wish (proposed by the allocator, adjusted by an officer, and
published as a weekly series)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import BookingSeries, ChoiceListValidator, Organisation, Room, Site


class Criterion(models.TextChoices):
    """What a season may rank wishes by, in the order the season lists them."""

    CHILDREN_AND_YOUTH = "children_and_youth", _("children and youth activity")
    VERIFIED_VOLUNTARY = "verified_voluntary", _("verified voluntary organisation")
    LAST_SEASON = "last_season", _("held the same slot last season")
    MEMBERS_UNDER_20 = "members_under_20", _("members under 20 (checked by the municipality)")
    APPLICATION_TIME = "application_time", _("application time")


DEFAULT_PRIORITIES = [
    Criterion.CHILDREN_AND_YOUTH.value,
    Criterion.VERIFIED_VOLUNTARY.value,
    Criterion.LAST_SEASON.value,
]


class Season(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("closed for applications")
        PUBLISHED = "published", _("published")

    name = models.CharField(_("name"), max_length=200)
    sites = models.ManyToManyField(
        Site, blank=True, related_name="seasons", verbose_name=_("whole sites")
    )
    rooms = models.ManyToManyField(
        Room, blank=True, related_name="seasons", verbose_name=_("rooms")
    )
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    applications_open = models.DateTimeField(_("applications open"))
    applications_close = models.DateTimeField(_("applications close"))
    priorities = models.JSONField(
        _("priorities, in order"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(Criterion.values, "priorities")],
    )
    tolerance_minutes = models.PositiveSmallIntegerField(
        _("move a wish by at most (minutes)"), default=60, validators=[MaxValueValidator(240)]
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last season"),
        help_text=_("Whose slots count as held last season."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-first_date", "name", "id"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_date__lte=F("last_date")), name="season_first_before_last"
            ),
            models.CheckConstraint(
                condition=Q(applications_open__lt=F("applications_close")),
                name="season_window_order",
            ),
        ]

    def __str__(self):
        return self.name

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and self.applications_open <= now < self.applications_close
        )


class Application(models.Model):
    """One organisation's application for a season; editable while the season accepts
    applications."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="season_applications"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="season_applications"
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    members_under_20 = models.PositiveIntegerField(
        _("members under 20"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    # The number counts as a priority only once an officer has checked it.
    members_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["season", "submitted_at", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["season", "organisation"], name="one_application_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.season}"


class Wish(models.Model):
    """A weekly time an organisation asks for: a room, or any room of a site."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="wishes")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    attendees = models.PositiveIntegerField(
        _("attendees"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    activity = models.CharField(_("activity"), max_length=200)
    children_and_youth = models.BooleanField(_("children and youth"), default=False)
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["application", "rank", "id"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="wish_rank_unique"),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="wish_start_before_end"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="wish_weekday_range"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="wish_rank_positive"),
        ]

    def __str__(self):
        return f"{self.activity} ({self.rank})"


class Allocation(models.Model):
    """What a wish got: a room and a weekly time (as asked, or moved), or a denial, with
    why. Made by the proposal (``decided_by`` empty) or by an officer (with a note)."""

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("granted")
        MOVED = "moved", _("moved")
        DENIED = "denied", _("denied")

    wish = models.OneToOneField(
        Wish, on_delete=models.CASCADE, primary_key=True, related_name="allocation"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    # The proposal's reason as a code with its values, worded in the reader's language.
    explanation = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("reason"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now)
    series = models.OneToOneField(
        BookingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="allocation"
    )
    publish_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome="denied", room__isnull=True)
                    | (
                        ~Q(outcome="denied")
                        & Q(room__isnull=False, weekday__isnull=False, weekday__lte=6)
                        & Q(start_time__lt=F("end_time"))
                    )
                ),
                name="allocation_place_iff_not_denied",
            ),
        ]

    def __str__(self):
        return f"{self.wish}: {self.outcome}"

    @property
    def placed(self) -> bool:
        return self.outcome != self.Outcome.DENIED
