"""The public catalogue, reserving online, and equipment for a room booking."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import roles
from booking.models import Booking
from config.errors import ConflictError
from lending import services
from lending.availability import catalogue_types, with_free_days
from lending.forms import CatalogueForm, EquipmentForm, ReserveForm
from lending.models import ItemType, Reservation

DAYS_SHOWN = 14
PER_PAGE = 48


def catalogue_page(request):
    """Equipment anyone can borrow, with how many are free on each of the next 14 days."""
    today = services.local_today()
    form = CatalogueForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start = max(data.get("start") or today, today)
    page = Paginator(catalogue_types(data.get("centre"), data.get("category")), PER_PAGE).get_page(
        request.GET.get("page")
    )
    types = with_free_days(page.object_list, start=start,
                           end=start + dt.timedelta(days=DAYS_SHOWN - 1), today=today)  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    mine = (
        Reservation.objects.filter(
            borrower__user=request.user, status=Reservation.Status.ACTIVE, end__gte=today
        ).select_related("item_type__centre")
        if request.user.is_authenticated
        else []
    )
    return render(request, "lending/catalogue.html", {
        "form": form, "types": types, "page": page, "query": query.urlencode(), "start": start,
        "mine": mine,
        "reserve_initial": {"start": start, "end": start + dt.timedelta(days=1)},
    })  # fmt: skip


@login_required
@require_POST
def reserve(request, pk: int):
    item_type = get_object_or_404(ItemType.objects.select_related("centre"), pk=pk, active=True)
    form = ReserveForm(request.POST)
    if form.is_valid():
        try:
            reservation = services.reservation_create(
                by=request.user, borrower=services.borrower_for_user(request.user),
                item_type=item_type, **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    messages.error(request, problem)
        except ConflictError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("Reserved: %(n)d × %(type)s, pick up %(start)s at %(centre)s.")
                % {"n": reservation.quantity, "type": item_type, "centre": item_type.centre,
                   "start": reservation.start.strftime("%d.%m.%Y")},
            )  # fmt: skip
    else:
        for field, problems in form.errors.items():
            for problem in problems:
                messages.error(request, f"{form.fields[field].label}: {problem}")
    back = request.POST.get("next", "")
    back = back if back.startswith("/lending/") and "//" not in back else "/lending/"
    return redirect(f"{back}#type-{item_type.pk}")


@login_required
@require_POST
def booking_equipment(request, pk: int):
    """Chairs and a PA for the event: units reserved for the booking's day, to its organisation."""
    booking = get_object_or_404(Booking.objects.select_related("organisation"), pk=pk)
    if not roles.can_manage_booking(request.user, booking):
        raise Http404
    if not booking.is_active:
        messages.error(request, _("This booking is no longer active."))
        return redirect("booking:booking_detail", pk=booking.pk)
    form = EquipmentForm(request.POST)
    if form.is_valid():
        borrower = (
            services.borrower_for_organisation(booking.organisation)
            if booking.organisation
            else services.borrower_for_user(request.user)
        )
        try:
            services.reservation_create(
                by=request.user, borrower=borrower, booking=booking,
                **services.booking_days(booking), **form.cleaned_data,
            )  # fmt: skip
            messages.success(request, _("The equipment is reserved for the booking's day."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ConflictError as error:
            messages.error(request, error.detail)
    else:
        messages.error(request, _("Choose the equipment and how many."))
    return redirect("booking:booking_detail", pk=booking.pk)


@login_required
@require_POST
def reservation_cancel(request, pk: int):
    reservation = get_object_or_404(Reservation.objects.select_related("borrower"), pk=pk)
    if not services.can_change_reservation(request.user, reservation):
        raise Http404
    services.reservation_cancel(reservation=reservation, by=request.user)
    messages.success(request, _("The reservation is cancelled."))
    return redirect("lending:catalogue")
