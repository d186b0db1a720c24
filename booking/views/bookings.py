"""Pages for booking, once or weekly, and for one's own bookings."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking import roles, services
from booking.forms import (
    BookingForm,
    CancelForm,
    local_instant,
)
from booking.guidelines import current_guidelines
from booking.models import Booking, Organisation, Room
from booking.pricing import quote_price
from booking.selectors import (
    booking_visible_to,
    nearest_free_slots,
    public_overlaps,
)
from booking.series import SeriesConflict, series_create, series_plan
from booking.series_changes import series_cancel_from, series_following
from booking.validators import MAX_YEAR, MIN_YEAR
from booking.views.rooms import booking_link

# Where a service's field error shows on the web form.
FORM_FIELD = {"start": "start_time", "end": "end_time", "room": None, "status": None}
SERIES_FIELD = {**FORM_FIELD, "until": "repeat_until"}


def _series_message(booked: int, plan) -> str:
    skipped = [f"{o.date:%d.%m.}" + (f" ({o.reason})" if o.reason else "") for o in plan.not_free]
    message = ngettext("%(count)d weekly booking made.", "%(count)d weekly bookings made.", booked)
    message %= {"count": booked}
    if skipped:
        message += " " + _("Skipped: %(weeks)s.") % {"weeks": ", ".join(skipped)}
    return message


def _initial_from_query(request) -> dict:
    initial = {}
    for key, date_key, time_key in (("start", "date", "start_time"), ("end", None, "end_time")):
        try:
            value = dt.datetime.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            continue
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            continue
        if date_key:
            initial[date_key] = value.date()
        initial[time_key] = value.time()
    return initial


def _form_quote(room, form, organisations):
    """The price of what the form holds (sent or prefilled), or None if it is incomplete."""
    if form.is_bound:
        if not form.is_valid() or "start" not in form.cleaned_data:
            return None
        data = form.cleaned_data
        start, end = data["start"], data.get("end")
        organisation, children = data.get("organisation"), data.get("children_and_youth")
    else:
        initial = form.initial
        if not {"date", "start_time", "end_time"} <= initial.keys():
            return None
        try:
            start = local_instant(initial["date"], initial["start_time"])
            end_day = initial["date"] + dt.timedelta(days=initial["end_time"] == dt.time(0))
            end = local_instant(end_day, initial["end_time"])
        except ValidationError:
            return None
        organisation = next(iter(organisations), None)
        children = False
    if end is None or end <= start or end - start > dt.timedelta(days=1):
        return None
    return quote_price(
        room=room, organisation=organisation, start=start, end=end, children_and_youth=children
    )


@login_required
def booking_new(request, room_pk: int):
    """Book a room; a taken time answers with the nearest free times that day."""
    room = get_object_or_404(Room.objects.select_related("site"), pk=room_pk, is_active=True)
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    guidelines = current_guidelines(room.site)
    form = BookingForm(
        request.POST or None,
        organisations=organisations,
        guidelines=guidelines,
        initial=_initial_from_query(request),
    )
    conflict, alternatives = None, []
    plan = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("repeat_until"):
        data = form.cleaned_data
        season = {
            "room": room,
            "organisation": data["organisation"],
            "weekdays": data["weekdays"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "first": data["date"],
            "until": data["repeat_until"],
            "attendees": data["attendees"],
            "children_and_youth": data["children_and_youth"],
            "include_holidays": data["include_holidays"],
        }
        try:
            if request.POST.get("action") == "confirm":
                _series, bookings, plan = series_create(
                    by=request.user, title=data["title"], public=data["public"],
                    notes=data["notes"], on_conflict="skip",
                    accept_guidelines=data.get("accept_guidelines", False),
                    payer_name=data["payer_name"], payer_address=data["payer_address"],
                    **season,
                )  # fmt: skip
                messages.success(request, _series_message(len(bookings), plan))
                return redirect("booking:my_bookings")
            services.check_organisation(request.user, data["organisation"])
            plan = series_plan(**season)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(SERIES_FIELD.get(field, field), problem)
        except SeriesConflict as nothing_free:
            plan = nothing_free.plan
            form.add_error(None, _("None of the weeks is free; nothing was booked."))
        return render(
            request,
            "booking/booking_form.html",
            {"room": room, "form": form, "plan": plan, "quote": None, "guidelines": guidelines},
            status=200 if plan is not None and not form.errors else 400,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.booking_create(
                room=room,
                organisation=data["organisation"],
                by=request.user,
                start=data["start"],
                end=data["end"],
                title=data["title"],
                attendees=data["attendees"],
                children_and_youth=data["children_and_youth"],
                public=data["public"],
                notes=data["notes"],
                accept_guidelines=data.get("accept_guidelines", False),
                payer_name=data["payer_name"],
                payer_address=data["payer_address"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(FORM_FIELD.get(field, field), problem)
        except services.BookingConflict as taken:
            conflict = taken.bookings
            alternatives = [
                {"start": s, "end": e, "url": booking_link(room, s, e)}
                for s, e in nearest_free_slots(
                    room=room,
                    start=data["start"],
                    end=data["end"],
                    user=request.user,
                    now=timezone.now(),
                )
            ]
        else:
            if booking.awaits_payment:  # billing takes the booker to the payment
                return redirect("billing:pay", pk=booking.pk)
            return redirect("booking:booking_detail", pk=booking.pk)
    return render(
        request,
        "booking/booking_form.html",
        {
            "room": room,
            "form": form,
            "conflict": conflict,
            "alternatives": alternatives,
            "guidelines": guidelines,
            # Priced only when the page is shown, not on the way to a redirect.
            "quote": _form_quote(room, form, organisations),
        },
        status=409 if conflict else 400 if request.method == "POST" else 200,
    )


def _visible_booking(request, pk: int) -> Booking:
    return get_object_or_404(booking_visible_to(request.user), pk=pk)


@login_required
def booking_detail(request, pk: int):
    """One booking, with what happens next (awaiting approval or confirmed)."""
    booking = _visible_booking(request, pk)
    officer = roles.is_officer(request.user)
    started = booking.start <= timezone.now()
    can_manage = roles.can_manage_booking(request.user, booking) and booking.is_active
    return render(
        request,
        "booking/booking_detail.html",
        {
            "booking": booking,
            "can_manage": can_manage,
            "can_cancel": can_manage and (officer or not started),
            "can_change": can_manage and booking.end > timezone.now(),
            "public_overlaps": public_overlaps(booking) if booking.is_active else [],
            "reports": booking.reports.all() if roles.is_officer(request.user) else [],
            "payment_minutes": settings.PAYMENT_TIMEOUT_MINUTES,
        },
    )


@login_required
def my_bookings(request):
    """The bookings of your organisations and your own private ones."""
    now = timezone.now()
    mine = Booking.objects.filter(
        Q(organisation_id__in=roles.organisation_ids(request.user))
        | Q(organisation__isnull=True, booked_by=request.user)
    ).select_related("room__site", "organisation")
    upcoming = list(mine.filter(end__gte=now).order_by("start")[:200])
    past = list(mine.filter(end__lt=now).order_by("-start")[:20])
    return render(
        request,
        "booking/my_bookings.html",
        {"upcoming": upcoming, "past": past, "now": now},
    )


@login_required
def booking_cancel(request, pk: int):
    """Cancel one booking, or with ``following`` this week of a series and all later.

    GET asks first: it says what will be cancelled (for ``following``, how many weeks,
    counted from the database) and changes nothing. POST cancels. A refusal (the booking
    has started, an officer gave no reason) is said on the booking's page; nothing is
    cancelled."""
    booking = _visible_booking(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    following = bool(data.get("following")) and booking.series_id is not None
    if request.method != "POST":
        return _cancel_confirm(request, booking, following=following)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if following:
            count = series_cancel_from(booking=booking, by=request.user, reason=reason)
            messages.success(
                request,
                ngettext(
                    "%(count)d booking is cancelled; the earlier weeks stay.",
                    "%(count)d bookings are cancelled; the earlier weeks stay.",
                    count,
                )
                % {"count": count},
            )
        else:
            services.booking_cancel(booking=booking, by=request.user, reason=reason)
            messages.success(request, _("The booking is cancelled and the time is free again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("booking:booking_detail", pk=booking.pk)
    return redirect("booking:my_bookings")


def _cancel_confirm(request, booking: Booking, *, following: bool):
    if not roles.can_manage_booking(request.user, booking):
        raise PermissionDenied
    started = booking.start <= timezone.now()
    if not booking.is_active or (started and not roles.is_officer(request.user)):
        messages.error(request, _("This booking can no longer be cancelled."))
        return redirect("booking:booking_detail", pk=booking.pk)
    weeks = list(series_following(booking).order_by("start")) if following else [booking]
    return render(
        request,
        "booking/confirm.html",
        {
            "booking": booking,
            "kind": "cancel_following" if following else "cancel",
            "count": len(weeks),
            "first": weeks[0] if weeks else None,
            "last": weeks[-1] if weeks else None,
            "form": CancelForm(reason_required=started),
            "started": started,
            "action": reverse("booking:booking_cancel", args=[booking.pk]),
            "hidden": {"following": "1"} if following else {},
            "back": reverse("booking:booking_detail", args=[booking.pk]),
        },
    )
