"""The caretaker's day, on a phone and on one printed A4 page."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.caretaking import booking_report, can_see_schedule, day_schedule
from booking.forms import CaretakerReportForm, parse_pk
from booking.models import Booking, BookingReport, Site
from booking.validators import MAX_YEAR, MIN_YEAR


@login_required
def caretaker_home(request):
    """Today at the first of your sites (officers: the list of sites)."""
    sites = Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE)
    if not roles.is_officer(request.user):
        sites = sites.filter(caretakers=request.user)
    sites = list(sites.order_by("name"))
    if not sites:
        raise PermissionDenied
    if len(sites) == 1:
        return redirect("booking:caretaker_day", site=sites[0].pk, day=timezone.localdate())
    return render(request, "booking/caretaker_sites.html",
                  {"sites": sites, "today": timezone.localdate()})  # fmt: skip


@login_required
def caretaker_day(request, site: int, day: dt.date):
    site = get_object_or_404(Site, pk=site)
    if not can_see_schedule(request.user, site):
        raise PermissionDenied
    schedule = day_schedule(site, day)
    previous, following = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    return render(request, "booking/caretaker_day.html", {
        "schedule": schedule,
        "previous": previous if MIN_YEAR <= previous.year else None,
        "next": following if following.year <= MAX_YEAR else None,
        "today": timezone.localdate(),
        "now": timezone.now(), "kinds": BookingReport.Kind,
    })  # fmt: skip


@login_required
def caretaker_report(request, pk: int | None = None):
    """Record a no-show or an incident (the booking in the URL, the form or the query);
    GET shows the incident form for one booking, or with ``kind=no_show`` asks before
    recording a no-show (and records nothing)."""
    raw = pk if pk is not None else request.POST.get("booking") or request.GET.get("booking")
    booking = get_object_or_404(
        Booking.objects.select_related("room__site", "organisation"), pk=parse_pk(raw)
    )
    if request.method != "POST":
        if not can_see_schedule(request.user, booking.room.site):
            raise PermissionDenied
        if request.GET.get("kind") == BookingReport.Kind.NO_SHOW:
            return _no_show_confirm(request, booking)
        return render(request, "booking/caretaker_report.html", {"booking": booking})
    form = CaretakerReportForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        booking_report(booking=booking, by=request.user, kind=form.cleaned_data["kind"],
                       note=form.cleaned_data["note"])  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Recorded for %(room)s.") % {"room": booking.room.name})
    day = timezone.localtime(booking.start).date()
    return redirect("booking:caretaker_day", site=booking.room.site_id, day=day)


def _no_show_confirm(request, booking: Booking):
    day = timezone.localtime(booking.start).date()
    return render(request, "booking/confirm.html", {
        "kind": "no_show", "booking": booking,
        "who": booking.organisation.name if booking.organisation else _("Private"),
        "action": reverse("booking:caretaker_report_any"),
        "hidden": {"booking": booking.pk, "kind": BookingReport.Kind.NO_SHOW},
        "back": reverse("booking:caretaker_day", args=[booking.room.site_id, day]),
    })  # fmt: skip
