"""Organisations register themselves, looked up in Enhetsregisteret."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking.models import Organisation
from booking.organisations import organisation_register
from booking.selectors import categories_needing_verification
from registry.lookup import RegisterUnavailable


class OrganisationRegisterForm(forms.Form):
    organisation_number = forms.CharField(
        label=gettext_lazy("Organisation number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "9 digits. We look it up in Enhetsregisteret and take the name, form and address "
            "from there. Leave it empty for an informal group without a number."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Only without an organisation number."),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", "—"), *Organisation.Category.choices],
        help_text=gettext_lazy(
            "An organisation in Frivillighetsregisteret is verified as voluntary at once. "
            "Other claims to a category with lower prices wait for a booking officer."
        ),
    )
    contact_email = forms.EmailField(label=gettext_lazy("Contact email"), required=False)


def _registered_message(organisation: Organisation) -> str:
    text = _("%(name)s is registered, and you are its administrator.") % {"name": organisation.name}
    if organisation.verified_by_register:
        text += " " + _(
            "Frivillighetsregisteret lists it, so it is verified as a voluntary organisation."
        )
    elif (
        not organisation.category_verified
        and organisation.category in categories_needing_verification()
    ):
        text += " " + _(
            "A booking officer verifies its category before the lower prices apply; until "
            "then it pays what other organisations pay."
        )
    return text


@login_required
def organisation_new(request):
    """Register an organisation; the person who does becomes its administrator."""
    form = OrganisationRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_register(by=request.user, **form.cleaned_data)
        except RegisterUnavailable:
            status = 503
            form.add_error(
                "organisation_number",
                _(
                    "Enhetsregisteret does not answer just now, so the number cannot be "
                    "checked. Nothing was saved; try again in a few minutes."
                ),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                field = "organisation_number" if field == "org_number" else field
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _registered_message(organisation))
            return redirect("booking:organisation", pk=organisation.pk)
    return render(request, "booking/organisation_new.html", {"form": form}, status=status)
