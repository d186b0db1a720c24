"""The booking office's invoice batches: make one for a period, preview it per customer,
export it (asked first; then it never changes), discard a draft (asked first), and
download its files."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from billing import exports, invoicing
from billing.exports import ubw
from billing.models import InvoiceBatch
from booking import roles
from booking.forms import DateInput, bounded_date
from config.errors import ConflictError


class BatchForm(forms.Form):
    period_from = forms.DateField(
        label=gettext_lazy("From"), widget=DateInput(), validators=[bounded_date]
    )
    period_to = forms.DateField(
        label=gettext_lazy("To (inclusive)"), widget=DateInput(), validators=[bounded_date]
    )


def require_officer(request) -> None:
    if not roles.is_officer(request.user):
        raise PermissionDenied


def batch_rows():
    """Every batch with its number of lines and its sum, in one query."""
    return InvoiceBatch.objects.select_related("created_by", "exported_by").annotate(
        line_count=Count("lines"), total_ore=Sum("lines__amount_ore")
    )


@login_required
def batch_list(request):
    require_officer(request)
    form = BatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                batch = invoicing.batch_make(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(field if field in form.fields else None, text)
            except ConflictError as error:
                form.add_error(None, error.detail)
                status = 409
            else:
                count = batch.lines.count()
                messages.success(request, _("The draft batch is made. Check it, then export it."))
                if not count:
                    messages.info(request, _("Nothing to invoice or credit in this period."))
                return redirect("billing:batch", pk=batch.pk)
    else:
        today = timezone.localdate()
        last = today.replace(day=1) - dt.timedelta(days=1)
        form.initial = {"period_from": last.replace(day=1), "period_to": last}
    return render(
        request, "billing/batch_list.html", {"form": form, "batches": batch_rows()}, status=status
    )


def warnings(customers: list[dict]) -> list[str]:
    found = []
    for entry in customers:
        if not entry["customer"].customer_address.strip():
            found.append(
                _("%(name)s has no invoice address.") % {"name": entry["customer"].customer_name}
            )
    lines = [line for entry in customers for line in entry["lines"]]
    return found + ubw.problems(lines)


@login_required
def batch_detail(request, pk: int):
    require_officer(request)
    batch = get_object_or_404(
        InvoiceBatch.objects.select_related("created_by", "exported_by"), pk=pk
    )
    customers = invoicing.totals(batch)
    exported = batch.status == InvoiceBatch.Status.EXPORTED
    return render(
        request,
        "billing/batch_detail.html",
        {
            "batch": batch,
            "customers": customers,
            "total_ore": sum(c["total_ore"] for c in customers),
            "line_count": sum(len(c["lines"]) for c in customers),
            "warnings": warnings(customers) if customers else [],
            "exported": exported,
            "files": exports.formats() if exported else [],
            "accounting_format": exports.formats()[0],
        },
    )


def _confirm(request, batch, kind: str):
    return render(request, "billing/batch_confirm.html", {"batch": batch, "kind": kind})


@login_required
@require_POST
def batch_export(request, pk: int):
    """Asked first: once exported the batch is the accounting record and never changes."""
    require_officer(request)
    batch = get_object_or_404(InvoiceBatch, pk=pk)
    if request.POST.get("confirmed") != "yes":
        return _confirm(request, batch, "export")
    if batch.status == InvoiceBatch.Status.EXPORTED:
        messages.info(request, _("The batch was already exported."))
    else:
        invoicing.batch_export(batch=batch, by=request.user)
        messages.success(request, _("The batch is exported. Download its files below."))
    return redirect("billing:batch", pk=batch.pk)


@login_required
@require_POST
def batch_discard(request, pk: int):
    """Asked first: its bookings are invoiced by the next batch instead."""
    require_officer(request)
    batch = get_object_or_404(InvoiceBatch, pk=pk)
    if request.POST.get("confirmed") != "yes":
        return _confirm(request, batch, "discard")
    try:
        invoicing.batch_discard(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("billing:batch", pk=batch.pk)
    messages.success(request, _("The draft batch is discarded."))
    return redirect("billing:batches")


@login_required
def batch_file(request, pk: int, fmt: str):
    """An exported batch's file; a draft has none (it could still be discarded)."""
    require_officer(request)
    batch = get_object_or_404(InvoiceBatch, pk=pk)
    return exports.download(batch, fmt)
