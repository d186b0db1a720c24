"""Pages for booking officers: approvals, verification, closures, the report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from booking import organisations as organisation_services
from booking import roles, services
from booking.closures import (
    PreviewOutdated,
    closure_create,
    closure_fingerprint,
    closure_hits,
    closure_validate,
)
from booking.forms import (
    ClosureForm,
    DecisionForm,
    YearForm,
)
from booking.models import Booking, Organisation
from booking.reports import support_report, support_report_csv
from booking.selectors import (
    organisations_awaiting_verification,
)
from booking.series_changes import series_decide
from notifications import services as notification_services
from notifications.models import Message

CLOSURE_FIELD = {"start": "start_time", "end": "end_time"}


def _officer(request):
    if not roles.is_officer(request.user):
        raise PermissionDenied


@login_required
def approval_queue(request):
    """Requests awaiting approval, oldest first."""
    _officer(request)
    return _approval_page(request)


def _approval_page(request, *, refused=None, status=200):
    """The queue; ``refused`` is (booking id, error) for a decision sent back to its form."""
    pending = (
        Booking.objects.filter(status=Booking.Status.PENDING)
        .exclude(payment=Booking.Payment.ONLINE)  # waiting for a payment, not for an officer
        .select_related("room__site", "organisation", "booked_by", "series")
        .order_by("start")
    )
    # A weekly series is one request: one card with all its weeks, decided at once.
    requests, series_cards = [], {}
    for booking in pending:
        if booking.series_id is None:
            requests.append({"booking": booking, "weeks": None})
        elif booking.series_id in series_cards:
            series_cards[booking.series_id]["weeks"].append(booking)
        else:
            series_cards[booking.series_id] = {"booking": booking, "weeks": [booking]}
            requests.append(series_cards[booking.series_id])
    error_for, error = refused or (None, "")
    return render(
        request,
        "booking/approval_queue.html",
        {"requests": requests, "error_for": error_for, "error": error},
        status=status,
    )


@login_required
@require_POST
def booking_decide(request, pk: int):
    """Approve or reject (with a reason, which the organisation is told) one request or a
    whole weekly series; a reject without a reason is sent back to its form."""
    _officer(request)
    booking = get_object_or_404(Booking, pk=pk)
    form = DecisionForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("approve", "reject"):
        raise Http404
    decide = services.booking_approve if decision == "approve" else services.booking_reject
    try:
        if request.POST.get("scope") == "series" and booking.series_id is not None:
            series_decide(
                series=booking.series,
                by=request.user,
                approve=decision == "approve",
                note=form.cleaned_data["note"],
            )
        else:
            decide(booking=booking, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        if "note" in error.message_dict:
            refused = (booking.pk, " ".join(error.message_dict["note"]))
            return _approval_page(request, refused=refused, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        done = _("Approved: %(title)s.") if decision == "approve" else _("Rejected: %(title)s.")
        messages.success(request, done % {"title": booking.title})
    return redirect("booking:approval_queue")


@login_required
def awaiting_verification(request):
    """Organisations claiming a category the price rules favour, waiting for an officer."""
    _officer(request)
    return render(
        request,
        "booking/awaiting_verification.html",
        {"organisations": organisations_awaiting_verification()},
    )


@login_required
@require_POST
def organisation_verify(request, pk: int):
    """Verify the category the officer was shown (the form carries it)."""
    _officer(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        organisation_services.organisation_verify(
            organisation=organisation, by=request.user, category=request.POST.get("category", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is verified as: %(category)s.")
            % {"name": organisation, "category": organisation.get_category_display()},
        )
    return redirect("booking:awaiting_verification")


def _report_year(request) -> tuple[YearForm, int]:
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    return form, year


@login_required
def support_report_page(request):
    """The municipality's support to organisations in a year, and the rooms' use."""
    _officer(request)
    form, year = _report_year(request)
    return render(
        request,
        "booking/support_report.html",
        {
            "form": form,
            "report": support_report(year),
            "year": year,
        },
    )


@login_required
def support_report_download(request):
    _officer(request)
    _form, year = _report_year(request)
    response = HttpResponse(
        support_report_csv(support_report(year)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="stotte-{year}.csv"'
    return response


@login_required
def closure_new(request):
    """Close a site or a room: first see which bookings it cancels, then confirm.

    Confirming cancels exactly the bookings the preview showed: the preview's fingerprint
    travels with the form, and if the place, the period or the hits have changed since,
    nothing is saved and the new preview is shown instead.
    """
    _officer(request)
    form = ClosureForm(request.POST or None)
    hits, fingerprint = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = {"site": data["site"], "room": data["room"]}
        try:
            closure_validate(**where, start=data.get("start"), end=data.get("end"),
                             reason=data["reason"])  # fmt: skip
            shown = request.POST.get("fingerprint", "")
            if request.POST.get("action") == "confirm" and shown:
                _closure, cancelled = closure_create(
                    **where, start=data["start"], end=data["end"], reason=data["reason"],
                    by=request.user, expect=shown,
                )  # fmt: skip
                messages.success(
                    request,
                    ngettext(
                        "Closed. %(count)d booking was cancelled.",
                        "Closed. %(count)d bookings were cancelled.",
                        len(cancelled),
                    )
                    % {"count": len(cancelled)},
                )
                return redirect("booking:closure_new")
            hits = list(closure_hits(**where, start=data["start"], end=data["end"]))
            fingerprint = closure_fingerprint(
                **where, start=data["start"], end=data["end"], hits=hits
            )
        except PreviewOutdated as outdated:
            hits, fingerprint = outdated.hits, outdated.fingerprint
            messages.warning(
                request,
                _("Nothing was closed: the bookings it cancels have changed since you looked. "
                  "Check the list below and confirm again."),
            )  # fmt: skip
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(CLOSURE_FIELD.get(field, field), problem)
    return render(
        request,
        "booking/closure_form.html",
        {"form": form, "hits": hits, "fingerprint": fingerprint},
        status=400 if form.errors else 200,
    )


@login_required
def failed_messages(request):
    """Messages that could not be delivered, newest first, each with a resend button."""
    _officer(request)
    failed = Message.objects.filter(status=Message.Status.FAILED).order_by("-created_at")[:200]
    return render(request, "booking/failed_messages.html", {"failed": failed})


@login_required
@require_POST
def message_resend(request, pk: int):
    _officer(request)
    message = get_object_or_404(Message, pk=pk)
    if notification_services.resend(message.pk):
        text = _("The message to %(to)s is queued again.") % {"to": message.recipient}
        messages.success(request, text)
    else:
        messages.info(request, _("This message is no longer failed."))
    return redirect("booking:failed_messages")
