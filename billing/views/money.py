"""What I owe and what I paid: the invoice lines of my organisations' bookings (for
their administrators) and of my own private bookings, once invoiced (exported), and the
online payments of those bookings. Read only; never another organisation's."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from billing.models import InvoiceBatch, InvoiceLine, Payment
from booking import roles


def my_bookings(user) -> Q:
    """Bookings whose money concerns the user: their organisations' (as administrator)
    and their own as a private person. ``booking__`` paths, for lines and payments."""
    return Q(booking__organisation_id__in=roles.admin_organisation_ids(user)) | Q(
        booking__organisation__isnull=True, booking__booked_by=user
    )


@login_required
def my_money(request):
    mine = my_bookings(request.user)
    lines = (
        InvoiceLine.objects.filter(mine, batch__status=InvoiceBatch.Status.EXPORTED)
        .select_related("batch")
        .order_by("customer_name", "customer_key", "-start", "-id")
    )
    customers: dict[str, dict] = {}
    for line in lines:
        entry = customers.setdefault(
            line.customer_key, {"name": line.customer_name, "lines": [], "total_ore": 0}
        )
        entry["lines"].append(line)
        entry["total_ore"] += line.amount_ore
    payments = (
        Payment.objects.filter(mine)
        .select_related("booking__room__site")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "billing/my_money.html",
        {"customers": list(customers.values()), "payments": payments},
    )
