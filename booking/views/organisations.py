"""My organisation: its members and roles, invitations, leaving, its own record.

Members (and officers) see the page; another organisation's id is a 404. What only
administrators may do the services refuse (403); a destructive action asks first, on a
page of its own, and is done by the POST from that page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from booking import memberships, roles
from booking import organisations as organisation_services
from booking.models import Invitation, Membership, Organisation


class DetailsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(memberships.PROFILE_FIELDS)
        widgets = {
            "invoice_address": forms.Textarea(attrs={"rows": 3}),
            "public_description": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "contact_phone": gettext_lazy("A Norwegian number, or one with its country code."),
            "invoice_reference": gettext_lazy(
                "For rooms that cost money: what the invoice should refer to."
            ),
            "in_directory": gettext_lazy(
                "Others can find the organisation and its public profile; no member is shown."
            ),
            "public_description": gettext_lazy("A few sentences for the public directory."),
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Membership.Role.choices, initial="member",
        widget=forms.RadioSelect,
    )  # fmt: skip


def _visible(request, pk: int) -> Organisation:
    if roles.is_officer(request.user):
        return get_object_or_404(Organisation, pk=pk)
    return get_object_or_404(Organisation, pk=pk, pk__in=roles.organisation_ids(request.user))


def _may_administer(request, organisation: Organisation) -> bool:
    user = request.user
    return roles.is_officer(user) or organisation.pk in roles.admin_organisation_ids(user)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def my_organisations(request):
    """The organisations one is a member of."""
    mine = request.user.memberships.select_related("organisation").order_by("organisation__name")
    return render(request, "booking/my_organisations.html", {"memberships": mine})


@login_required
def organisation_page(request, pk: int):
    """Members with their roles, the organisation's record; for administrators also the
    open invitations and what they can change."""
    organisation = _visible(request, pk)
    members = organisation.memberships.select_related("user").order_by(
        "-role", "user__first_name", "user__username"
    )
    is_admin = _may_administer(request, organisation)
    context = {
        "organisation": organisation,
        "members": members,
        "is_admin": is_admin,
        "admin_count": sum(1 for m in members if m.role == Membership.Role.ADMIN),
        "mine": next((m for m in members if m.user_id == request.user.pk), None),
        "invitations": memberships.invitations_open(organisation) if is_admin else [],
    }
    return render(request, "booking/organisation.html", context)


@login_required
def organisation_details(request, pk: int):
    """Administrators change the contact person and phone, invoice details and the
    public directory entry."""
    organisation = _visible(request, pk)
    if not _may_administer(request, organisation):
        raise PermissionDenied
    form = DetailsForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in memberships.PROFILE_FIELDS}
            try:
                memberships.organisation_profile_update(
                    organisation=organisation, by=request.user, **fields
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The organisation's details are saved."))
                return redirect("booking:organisation", pk=pk)
        status = 400
    return render(
        request,
        "booking/organisation_details.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@login_required
def organisation_invite(request, pk: int):
    """Administrators invite someone by email; the link goes out through the outbox."""
    organisation = _visible(request, pk)
    if not _may_administer(request, organisation):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = memberships.invitation_create(
                    organisation=organisation, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("An invitation is sent to %(email)s. The link works once, for 14 days.")
                    % {"email": invitation.email},
                )
                return redirect("booking:organisation", pk=pk)
        status = 400
    return render(
        request,
        "booking/organisation_invite.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@login_required
@require_POST
def membership_role(request, pk: int, member: int):
    """Administrators make a member an administrator, or an administrator a member."""
    organisation = _visible(request, pk)
    membership = get_object_or_404(Membership, pk=member, organisation=organisation)
    role = request.POST.get("role", "")
    try:
        organisation_services.membership_set_role(membership=membership, role=role, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        name = membership.user.get_full_name() or membership.user.get_username()
        if role == Membership.Role.ADMIN:
            messages.success(request, _("%(name)s is now an administrator.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
    return redirect("booking:organisation", pk=pk)


def _confirm(request, organisation, *, question, explanation, action, button):
    return render(
        request,
        "booking/organisation_confirm.html",
        {"organisation": organisation, "question": question, "explanation": explanation,
         "action": action, "button": button},
    )  # fmt: skip


@login_required
def membership_remove(request, pk: int, member: int):
    """Administrators take a person out of the organisation, after a confirmation."""
    organisation = _visible(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=member, organisation=organisation
    )
    if not _may_administer(request, organisation):
        raise PermissionDenied
    name = membership.user.get_full_name() or membership.user.get_username()
    if request.method != "POST":
        return _confirm(
            request, organisation,
            question=_("Remove %(name)s from %(organisation)s?")
            % {"name": name, "organisation": organisation.name},
            explanation=_("They can no longer book for the organisation. Bookings already "
                          "made stay."),
            action=request.path, button=_("Remove %(name)s") % {"name": name},
        )  # fmt: skip
    try:
        organisation_services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
    if membership.user_id == request.user.pk and not roles.is_officer(request.user):
        return redirect("booking:my_organisations")
    return redirect("booking:organisation", pk=pk)


@login_required
def organisation_leave(request, pk: int):
    """Leave the organisation, after a confirmation; the only administrator hands the
    role over first."""
    organisation = _visible(request, pk)
    if request.method != "POST":
        return _confirm(
            request, organisation,
            question=_("Leave %(organisation)s?") % {"organisation": organisation.name},
            explanation=_("You can no longer book for the organisation or see its bookings. "
                          "To come back, an administrator must invite you again."),
            action=request.path, button=_("Leave the organisation"),
        )  # fmt: skip
    try:
        organisation_services.membership_leave(organisation=organisation, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("booking:organisation", pk=pk)
    messages.success(
        request, _("You have left %(organisation)s.") % {"organisation": organisation.name}
    )
    return redirect("booking:my_organisations")


@login_required
def invitation_withdraw(request, pk: int, invitation: int):
    """Administrators withdraw an invitation, after a confirmation; its link stops working."""
    organisation = _visible(request, pk)
    found = get_object_or_404(Invitation, pk=invitation, organisation=organisation)
    if not _may_administer(request, organisation):
        raise PermissionDenied
    if request.method != "POST":
        return _confirm(
            request, organisation,
            question=_("Withdraw the invitation to %(email)s?") % {"email": found.email},
            explanation=_("The link in the email stops working. You can invite the address "
                          "again later."),
            action=request.path, button=_("Withdraw the invitation"),
        )  # fmt: skip
    try:
        memberships.invitation_withdraw(invitation=found, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("booking:organisation", pk=pk)


@login_required
def invitation_open(request, token: str):
    """The page an invitation's link opens: who invites to what, and a button to accept.
    An unknown, used, withdrawn or expired link says so (400)."""
    invitation = memberships.invitation_by_token(token)
    problem = memberships.invitation_problem(invitation)
    if request.method == "POST" and not problem:
        try:
            membership = memberships.invitation_accept(token=token, by=request.user)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("Welcome! You are now a member of %(organisation)s.")
                % {"organisation": membership.organisation.name},
            )
            return redirect("booking:organisation", pk=membership.organisation_id)
    already = (
        invitation is not None
        and not problem
        and invitation.organisation_id in roles.organisation_ids(request.user)
    )
    return render(
        request,
        "booking/invitation.html",
        {"invitation": invitation, "problem": problem, "already": already},
        status=400 if problem else 200,
    )
