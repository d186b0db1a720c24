"""The municipality's price list."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from booking.models.organisations import Organisation
from booking.models.places import Site
from booking.validators import ChoiceListValidator


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
    # The name is older than category verification; it means "category verified".
    voluntary_verified = models.BooleanField(
        _("category verified"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: either. Yes: only organisations whose category an officer has verified. "
            "No: only those not verified."
        ),
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
    vat_code = models.CharField(
        _("VAT code"),
        max_length=10,
        blank=True,
        help_text=_(
            "The accounting system's VAT code for what this rule charges. Empty: renting "
            "a room is exempt from VAT (the code in LOKALE_INVOICE_VAT_EXEMPT_CODE)."
        ),
    )
    vat_percent = models.DecimalField(
        _("VAT percent included in the price"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reason_nb = models.CharField(_("reason (bokmål)"), max_length=300)
    reason_en = models.CharField(_("reason (English)"), max_length=300)
    reason_nn = models.CharField(
        _("reason (nynorsk)"), max_length=300, blank=True, help_text=_("Empty: the bokmål text.")
    )

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

    @property
    def lowers_price(self) -> bool:
        """Can this rule make a booking cheaper than the room's full rent? Such a rule
        counts an organisation's category only once that category is verified."""
        if self.effect == self.Effect.HOURLY_PRICE:
            return True
        return self.percent_off > 0

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
