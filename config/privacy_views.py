"""Pages about a person's data: what Lokale keeps (/privacy/), one's own data as JSON
(/accounts/data/) and deleting one's account (/accounts/delete/)."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import privacy


def privacy_page(request):
    """What is stored, why, for how long, and whom to ask (from the settings)."""
    return render(
        request,
        "privacy/privacy.html",
        {
            "controller": settings.PRIVACY_CONTROLLER,
            "contact": settings.PRIVACY_CONTACT,
            "booking_days": settings.BOOKING_RETENTION_DAYS,
            "booking_years": round(settings.BOOKING_RETENTION_DAYS / 365, 1),
            "lending_days": settings.LENDING_RETENTION_DAYS,
            "message_days": settings.NOTIFY_KEEP_DAYS,
        },
    )


@login_required
def account_data(request):
    """The signed-in person's own data as a JSON download."""
    body = json.dumps(privacy.account_data(request.user), cls=DjangoJSONEncoder,
                      ensure_ascii=False, indent=2)  # fmt: skip
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"lokale-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


CONFIRM_WORD = gettext_lazy("DELETE")


class DeleteForm(forms.Form):
    """The password, or for an account without one (a login elsewhere), a typed word."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.CharField(label="", required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirm"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["confirm"].required = True
            self.fields["confirm"].label = _("Type %(word)s to confirm") % {"word": CONFIRM_WORD}

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."))
        return password

    def clean_confirm(self):
        confirm = self.cleaned_data["confirm"]
        if confirm.strip().upper() != str(CONFIRM_WORD).upper():
            raise ValidationError(_("Type %(word)s to confirm.") % {"word": CONFIRM_WORD})
        return confirm


@login_required
def account_delete(request):
    """Asks first (the password, or a typed word); then forgets the person and logs out."""
    form = DeleteForm(request.POST or None, user=request.user)
    obstacles = privacy.deletion_obstacles(request.user)
    if request.method == "POST" and form.is_valid() and not obstacles:
        try:
            privacy.account_delete(user=request.user, by=request.user)
        except ValidationError as error:
            obstacles = error.messages
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for using Lokale."))
            return redirect("booking:room_finder")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "obstacles": obstacles},
        status=status,
    )
