"""The price list in the admin: conditions as checkboxes, the effect, the reasons."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from booking.models import OpeningHours, PriceRule, Site


class ListChoiceField(forms.TypedMultipleChoiceField):
    """A JSON list edited as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value if isinstance(value, list) else []


class PriceRuleForm(forms.ModelForm):
    booker_kinds = ListChoiceField(
        choices=PriceRule.BOOKER_KINDS,
        required=False,
        label=_("who books"),
        help_text=_("None ticked: anyone."),
    )
    site_kinds = ListChoiceField(
        choices=Site.Kind.choices,
        required=False,
        label=_("site kinds"),
        help_text=_("None ticked: any site."),
    )
    weekdays = ListChoiceField(
        choices=OpeningHours.Weekday.choices,
        coerce=int,
        required=False,
        label=_("weekdays"),
        help_text=_("None ticked: every day."),
    )

    class Meta:
        model = PriceRule
        fields = [
            "order", "name", "active", "booker_kinds", "voluntary_verified", "site_kinds",
            "room", "weekdays", "time_from", "time_to", "children_and_youth", "valid_from",
            "valid_until", "free_hours_per_week", "effect", "percent_off", "hourly_price",
            "vat_code", "vat_percent", "reason_nb", "reason_nn", "reason_en",
        ]  # fmt: skip


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin):
    """The price list: the first active rule that matches decides."""

    form = PriceRuleForm
    list_display = ["order", "name", "effect", "percent_off", "hourly_price", "active"]
    list_display_links = ["name"]
    list_editable = ["order", "active"]
    fieldsets = [
        (None, {"fields": ["order", "name", "active"]}),
        (
            _("When it applies (empty means any)"),
            {
                "fields": [
                    "booker_kinds", "voluntary_verified", "site_kinds", "room", "weekdays",
                    ("time_from", "time_to"), "children_and_youth",
                    ("valid_from", "valid_until"), "free_hours_per_week",
                ]
            },
        ),
        (_("Effect"), {"fields": ["effect", "percent_off", "hourly_price"]}),
        (_("VAT"), {"fields": ["vat_code", "vat_percent"]}),
        (_("Reason shown with the price"), {"fields": ["reason_nb", "reason_nn", "reason_en"]}),
    ]  # fmt: skip
