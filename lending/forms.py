"""Forms of the lending pages. They only read input; the services decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from booking.forms import DateInput, bounded_date
from booking.models import Site
from lending.models import ItemType, LoanLine


class CatalogueForm(forms.Form):
    centre = forms.ModelChoiceField(
        Site.objects.filter(kind=Site.Kind.LENDING_CENTRE), required=False,
        label=_("Lending centre"), empty_label=_("All centres"),
    )  # fmt: skip
    category = forms.ChoiceField(
        choices=[("", _("All kinds")), *ItemType.Category.choices], required=False,
        label=_("Kind of equipment"),
    )  # fmt: skip
    start = forms.DateField(
        required=False, label=_("From"), widget=DateInput(), validators=[bounded_date]
    )


class ReserveForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=100, initial=1)
    start = forms.DateField(label=_("Pick up"), widget=DateInput())
    end = forms.DateField(label=_("Return"), widget=DateInput())


class BorrowerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Phone or name"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "search"}),
    )  # fmt: skip


class LabelsForm(forms.Form):
    """?codes=: barcodes separated by commas."""

    codes = forms.CharField(required=False, max_length=4000)

    def clean_codes(self):
        return [code.strip() for code in self.cleaned_data["codes"].split(",") if code.strip()]


class BorrowerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=[("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English")],
    )
    is_minor = forms.BooleanField(label=_("Under 18"), required=False)
    guardian_name = forms.CharField(
        label=_("Guardian's name"), max_length=200, required=False,
        help_text=_("Needed for a borrower under 18."),
    )  # fmt: skip
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_("The borrower agrees that we keep these details while they borrow, and for 12 "
                "months after the last loan."),
        required=False,
    )  # fmt: skip


class ScanForm(forms.Form):
    barcode = forms.CharField(
        label=_("Scan or type a barcode, then Enter"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                      "autocapitalize": "characters", "spellcheck": "false"}),
    )  # fmt: skip


class CheckoutForm(forms.Form):
    due = forms.DateField(
        label=_("Due back"), widget=DateInput(), required=False, validators=[bounded_date]
    )


class ReturnForm(forms.Form):
    barcode = forms.CharField(
        label=_("Barcode of the unit coming back"), max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    condition = forms.ChoiceField(
        label=_("Condition"), choices=LoanLine.Condition.choices, widget=forms.RadioSelect,
        initial=LoanLine.Condition.OK,
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EquipmentForm(forms.Form):
    item_type = forms.ModelChoiceField(
        ItemType.objects.filter(active=True).select_related("centre"), label=_("Equipment")
    )
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=100, initial=1)


def parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default
