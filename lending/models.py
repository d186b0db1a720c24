"""The lending centre: what can be lent, the units, who borrows, reservations and loans."""

from django.conf import settings
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, Organisation, Site

# Code 128 B takes printable ASCII; keep labels short and scannable.
validate_barcode = RegexValidator(
    r"^[A-Za-z0-9\-.]{3,32}$",
    _("A barcode is 3–32 letters (A–Z), digits, hyphens or full stops."),
)


class ItemType(models.Model):
    """A kind of equipment at one centre: «Langrennski 150 cm», «Telt 4 personer»."""

    class Category(models.TextChoices):
        WINTER = "winter", _("winter sports")
        OUTDOOR = "outdoor", _("outdoor and camping")
        SPORTS = "sports", _("sports and games")
        SOUND = "sound", _("sound and light")
        EVENT = "event", _("events and furniture")
        OTHER = "other", _("other")

    centre = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="item_types",
        limit_choices_to={"kind": Site.Kind.LENDING_CENTRE},
        verbose_name=_("lending centre"),
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    size = models.CharField(_("size"), max_length=20, blank=True, help_text=_("E.g. 38 or 150 cm."))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # A FileField (no Pillow), so only raster image types: an SVG or HTML upload served
    # from /media/ on our origin could carry script.
    photo = models.FileField(
        _("photo"), upload_to="item-types/", blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )  # fmt: skip
    default_loan_days = models.PositiveSmallIntegerField(
        _("default loan (days)"), default=7, validators=[MinValueValidator(1)]
    )
    max_loan_days = models.PositiveSmallIntegerField(
        _("longest loan (days)"), default=14, validators=[MinValueValidator(1)]
    )
    max_per_borrower = models.PositiveSmallIntegerField(
        _("most units per borrower"), default=2, validators=[MinValueValidator(1)]
    )
    turnaround_days = models.PositiveSmallIntegerField(
        _("days after return before lending again"),
        default=0,
        validators=[MaxValueValidator(30)],
        help_text=_("For drying, cleaning and inspection."),
    )
    active = models.BooleanField(_("in the catalogue"), default=True)

    class Meta:
        ordering = ["category", "name", "size", "id"]
        verbose_name = _("item type")
        verbose_name_plural = _("item types")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_loan_days__lte=F("max_loan_days"), default_loan_days__gte=1),
                name="itemtype_default_within_max",
            ),
            models.CheckConstraint(
                condition=Q(max_per_borrower__gte=1), name="itemtype_max_per_borrower_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.size}".strip()


class Item(models.Model):
    """One physical unit, with its own barcode."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        IN_REPAIR = "in_repair", _("in repair")
        RETIRED = "retired", _("retired")

    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="items")
    barcode = models.CharField(
        _("barcode"), max_length=32, unique=True, validators=[validate_barcode]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["barcode"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"{self.barcode} ({self.item_type})"


class Borrower(models.Model):
    """A person or an organisation who borrows. Anonymised after the retention period."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANISATION = "organisation", _("organisation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )
    is_minor = models.BooleanField(_("under 18"), default=False)
    guardian_name = models.CharField(_("guardian"), max_length=200, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="borrower",
    )
    organisation = models.OneToOneField(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="borrower"
    )
    consent_at = models.DateTimeField(_("consent given"))
    last_activity_at = models.DateTimeField(_("last activity"))
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        # The counter finds a borrower by the start of the number (LIKE '+4790%'), which
        # PostgreSQL reads from an index only with the pattern operator class.
        indexes = [
            models.Index(
                fields=["phone"],
                name="borrower_phone_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_minor=False) | ~Q(guardian_name="") | Q(anonymised_at__isnull=False),
                name="borrower_minor_has_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Reservation(models.Model):
    """Units of a type promised to a borrower from pick-up to return (both dates included)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("reserved")
        COLLECTED = "collected", _("collected")
        CANCELLED = "cancelled", _("cancelled")

    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="reservations")
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveSmallIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    start = models.DateField(_("pick-up date"))
    end = models.DateField(_("return date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment",
        verbose_name=_("for the room booking"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [models.Index(fields=["item_type", "status", "end"], name="reservation_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="reservation_end_after"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_type} {self.start}–{self.end}"


class Loan(models.Model):
    """What went out over the counter together: to whom, by whom, until when."""

    borrower = models.ForeignKey(Borrower, on_delete=models.PROTECT, related_name="loans")
    centre = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="loans")
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lent_at = models.DateTimeField(_("lent"))
    due = models.DateField(_("due"))
    reservation = models.ForeignKey(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans"
    )

    class Meta:
        ordering = ["-lent_at", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [models.Index(fields=["due"], name="loan_due_idx")]

    def __str__(self) -> str:
        return f"{self.borrower} {self.lent_at:%Y-%m-%d} → {self.due}"


class LoanLine(models.Model):
    """One unit of a loan, and how and when it came back."""

    class Condition(models.TextChoices):
        OK = "ok", _("fine")
        DAMAGED = "damaged", _("damaged")
        MISSING = "missing", _("missing")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loan_lines")
    # Copied from the item, so that availability and statistics need no join through it.
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="loan_lines")
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("loan line")
        verbose_name_plural = _("loan lines")
        constraints = [
            # A unit is out to one borrower at a time, whatever the application does.
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(returned_at__isnull=True),
                name="loanline_item_out_once",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True, condition="")
                | Q(returned_at__isnull=False) & ~Q(condition=""),
                name="loanline_condition_on_return",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} in {self.loan}"
