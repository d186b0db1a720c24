"""Who books: people, organisations and their members."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    # What a booking officer (later: the register) confirmed the category to be. It counts
    # only while it equals ``category``, so a changed category is unverified by itself.
    verified_category = models.CharField(
        _("verified category"), max_length=20, choices=Category.choices, blank=True,
        editable=False,
    )  # fmt: skip
    verified_at = models.DateTimeField(_("category verified at"), null=True, blank=True,
                                       editable=False)  # fmt: skip
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("category verified by"),
    )  # fmt: skip
    # What Enhetsregisteret said when the organisation registered with its number.
    org_form = models.CharField(_("organisational form"), max_length=10, blank=True)
    register_address = models.TextField(_("address in the register"), blank=True)
    register_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    register_town = models.CharField(_("town"), max_length=100, blank=True)
    # Frivillighetsregisteret, not an officer, verified the category (verified_by is empty).
    verified_by_register = models.BooleanField(
        _("category verified by the register"), default=False, editable=False
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    # The secret in the address of this calendar feed; empty until someone makes a link.
    calendar_token = models.CharField(_("calendar link secret"), max_length=64, blank=True,
                                      editable=False)  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # My organisation: kept by its administrators (booking.memberships).
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    invoice_address = models.TextField(_("invoice address"), max_length=500, blank=True,
                                       validators=[MaxLengthValidator(500)])  # fmt: skip
    invoice_reference = models.CharField(_("invoice reference"), max_length=100, blank=True)
    in_directory = models.BooleanField(_("listed in the public directory"), default=False)
    public_description = models.TextField(_("public description"), max_length=500, blank=True,
                                          validators=[MaxLengthValidator(500)])  # fmt: skip
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

    @property
    def public_name(self) -> str:
        """The name the public may see: only an organisation listed in the directory
        appears in public calendars and feeds; the others' public bookings show their
        title alone."""
        return self.name if self.in_directory else ""

    @property
    def category_verified(self) -> bool:
        """Has an officer confirmed the category the organisation has now?"""
        return bool(self.verified_category) and self.verified_category == self.category

    @property
    def voluntary_verified(self) -> bool:
        """A voluntary organisation whose category is verified.

        Setting it (as fixtures and older code do) confirms or withdraws the current
        category; services set ``verified_category`` through ``organisation_verify``.
        """
        return self.category == self.Category.VOLUNTARY and self.category_verified

    @voluntary_verified.setter
    def voluntary_verified(self, value: bool) -> None:
        self.verified_category = self.category if value else ""


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


class Invitation(models.Model):
    """A link sent to an email address that makes whoever opens it, signed in, a member.

    Only the SHA-256 digest of the link's secret is kept; the link works once, until
    ``expires_at``, and not after an administrator withdraws it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
