"""The secret links to the calendar feeds (the public activity calendar is community's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from booking import roles
from booking.calendar_links import calendar_link_renew
from booking.models import Organisation, Site


@login_required
def calendar_links(request):
    """The calendar addresses you may subscribe to: your organisations', your sites'."""
    organisations = Organisation.objects.filter(memberships__user=request.user).distinct()
    sites = Site.objects.filter(caretakers=request.user)
    if roles.is_officer(request.user):
        sites = Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE)
    admin_of = roles.admin_organisation_ids(request.user)
    return render(request, "booking/calendar_links.html", {
        "organisations": organisations.order_by("name"), "sites": sites.order_by("name"),
        "admin_of": admin_of, "base": request.build_absolute_uri("/")[:-1],
    })  # fmt: skip


@login_required
def calendar_link_new(request, kind: str, pk: int):
    """Make (or make again) a feed's secret link; the old link stops working at once.

    GET asks first (for a link in use: that it stops working) and changes nothing."""
    owner = get_object_or_404(Organisation if kind == "organisation" else Site, pk=pk)
    if request.method != "POST":
        if not roles.can_renew_calendar_link(request.user, owner):
            raise PermissionDenied
        return render(request, "booking/confirm.html", {
            "kind": "calendar_link", "owner": owner,
            "action": reverse("booking:calendar_link_new", args=[kind, pk]), "hidden": {},
            "back": reverse("booking:calendar_links"),
        })  # fmt: skip
    calendar_link_renew(owner=owner, by=request.user)
    messages.success(request, _("A new link is made; the old one no longer works."))
    return redirect("booking:calendar_links")
