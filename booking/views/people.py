"""The officers' page for people: find someone, give or take away a staff role."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from booking import people, roles
from booking.models import Site


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label=gettext_lazy("Name, email or username"),
    )


class RoleForm(forms.Form):
    user = forms.ModelChoiceField(get_user_model().objects.filter(is_active=True))
    role = forms.ChoiceField(choices=people.ROLES, label=gettext_lazy("Role"))
    site = forms.ModelChoiceField(
        Site.objects.all(),
        required=False,
        label=gettext_lazy("Site (for a caretaker)"),
        empty_label="–",
    )
    held = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
    q = forms.CharField(required=False, max_length=100)


def _officer(request) -> None:
    if not roles.is_officer(request.user):
        raise PermissionDenied


@login_required
def people_page(request):
    """Search people by name, email or username; each found with their roles and a form
    to give another."""
    _officer(request)
    form = PeopleSearchForm(request.GET or None)
    found = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        found = [
            {"person": person, "roles": people.user_roles(person)}
            for person in people.people_search(form.cleaned_data["q"])
        ]
    return render(
        request,
        "booking/people.html",
        {
            "form": form,
            "found": found,
            "roles": people.ROLES,
            "sites": Site.objects.order_by("name"),
            "q": form.cleaned_data.get("q", "") if form.is_valid() else "",
        },
    )


@login_required
@require_POST
def people_role(request):
    """Give a role at once; taking one away is first shown for confirmation."""
    _officer(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person and a role."))
        return redirect("booking:people")
    data = form.cleaned_data
    back = f"{redirect('booking:people').url}?{urlencode({'q': data['q']})}"
    label = dict(people.ROLES)[data["role"]]
    if not data["held"] and request.POST.get("confirm") != "yes":
        return render(request, "booking/people_role_remove.html", {"data": data, "label": label})
    try:
        people.user_role_set(user=data["user"], role=data["role"], site=data["site"],
                             by=request.user, held=data["held"])  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    name = data["user"].get_full_name() or data["user"].get_username()
    where = f" ({data['site']})" if data["role"] == people.CARETAKER else ""
    text = (
        _("%(name)s is now: %(role)s.") if data["held"] else _("%(name)s is no longer: %(role)s.")
    )
    messages.success(request, text % {"name": name, "role": f"{label}{where}"})
    return redirect(back)
