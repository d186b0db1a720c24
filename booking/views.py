"""Web pages for people who book, and for the officers who approve."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from booking import roles, services
from booking.closures import closure_create, closure_hits, closure_validate
from booking.forms import (
    BookingForm,
    CancelForm,
    ClosureForm,
    DecisionForm,
    RoomSearchForm,
    YearForm,
    local_instant,
)
from booking.models import Booking, Organisation, Room, Site
from booking.pricing import quote_price
from booking.reports import support_report, support_report_csv
from booking.selectors import (
    booking_visible_to,
    nearest_free_slots,
    organisations_awaiting_verification,
    room_availability,
    rooms_free_between,
)
from booking.series import (
    SeriesConflict,
    series_cancel_from,
    series_create,
    series_decide,
    series_plan,
)
from booking.timeutil import to_local

# Where a service's field error shows on the web form.
FORM_FIELD = {"start": "start_time", "end": "end_time", "room": None, "status": None}
SERIES_FIELD = {**FORM_FIELD, "until": "repeat_until"}
CLOSURE_FIELD = {"start": "start_time", "end": "end_time"}


def _series_message(booked: int, plan) -> str:
    skipped = [f"{o.date:%d.%m.}" + (f" ({o.reason})" if o.reason else "") for o in plan.not_free]
    message = ngettext("%(count)d weekly booking made.", "%(count)d weekly bookings made.", booked)
    message %= {"count": booked}
    if skipped:
        message += " " + _("Skipped: %(weeks)s.") % {"weeks": ", ".join(skipped)}
    return message


def _booking_link(room: Room, start: dt.datetime, end: dt.datetime) -> str:
    query = urlencode(
        {
            "start": to_local(start).strftime("%Y-%m-%dT%H:%M"),
            "end": to_local(end).strftime("%Y-%m-%dT%H:%M"),
        }
    )
    return f"{reverse('booking:booking_new', args=[room.pk])}?{query}"


def home(request):
    return redirect("booking:room_finder")


def room_finder(request):
    """Find a room by site, size, facilities and a time to be free."""
    form = RoomSearchForm(request.GET or None)
    rooms = (
        Room.objects.filter(is_active=True)
        .exclude(site__kind=Site.Kind.LENDING_CENTRE)
        .select_related("site")
        .prefetch_related("facilities")
    )
    interval = None
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["site"]:
                rooms = rooms.filter(site=data["site"])
            if data["min_capacity"]:
                rooms = rooms.filter(capacity__gte=data["min_capacity"])
            for facility in data["facilities"]:
                rooms = rooms.filter(facilities=facility)
            if data.get("free_from") and data.get("free_to"):
                interval = (data["free_from"], data["free_to"])
                rooms = rooms_free_between(rooms, *interval)
        else:
            rooms = rooms.none()
    results = [
        {"room": room, "book_url": _booking_link(room, *interval) if interval else None}
        for room in rooms
    ]
    return render(
        request,
        "booking/room_finder.html",
        {"form": form, "results": results, "interval": interval},
    )


def _monday(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 1, 1):
        day = today
    return day - dt.timedelta(days=day.weekday())


def _span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{to_local(start):%H:%M}–{to_local(end):%H:%M}"


def _slots(room: Room, start: dt.datetime, end: dt.datetime, earliest: dt.datetime):
    """Clickable starting points inside a free interval, one per bookable length."""
    length = dt.timedelta(minutes=max(60, room.min_booking_minutes))
    step = dt.timedelta(minutes=room.slot_step_minutes)
    slot = start
    while slot < end:
        if slot >= earliest:
            slot_end = min(slot + length, end)
            if slot_end - slot >= dt.timedelta(minutes=room.min_booking_minutes):
                yield {
                    "start": slot,
                    "time": f"{to_local(slot):%H:%M}",
                    "label": _span(slot, slot_end),
                    "url": _booking_link(room, slot, slot_end),
                }
        slot += max(length, step)


def room_week(request, pk: int):
    """A room's week: opening hours, free slots to click, busy time (anonymous unless yours)."""
    room = get_object_or_404(
        Room.objects.select_related("site").prefetch_related("facilities", "opening_hours"),
        pk=pk,
        is_active=True,
    )
    monday = _monday(request.GET.get("week"))
    earliest = timezone.now() + dt.timedelta(minutes=room.min_notice_minutes)
    min_length = dt.timedelta(minutes=room.min_booking_minutes)
    days = []
    for day in room_availability(
        room=room, date_from=monday, date_to=monday + dt.timedelta(days=6), user=request.user
    ):
        # Times are formatted here, once, rather than by template filters per entry: a
        # busy week has hundreds of entries. Gaps too short to book are left out.
        entries = [
            {
                "kind": "free",
                "start": f["start"],
                "time": _span(f["start"], f["end"]),
                "slots": list(_slots(room, f["start"], f["end"], earliest)),
            }
            for f in day.free
            if f["end"] - f["start"] >= min_length
        ]
        entries += [{"kind": "busy", "time": _span(b["start"], b["end"]), **b} for b in day.busy]
        entries += [
            {"kind": "closed", "time": _span(c["start"], c["end"]), **c} for c in day.closed
        ]
        entries.sort(key=lambda e: e["start"])
        days.append(
            {
                "date": day.date,
                "open": ", ".join(_span(w["start"], w["end"]) for w in day.open),
                "entries": entries,
            }
        )
    return render(
        request,
        "booking/room_week.html",
        {
            "room": room,
            "days": days,
            "monday": monday,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
        },
    )


def _initial_from_query(request) -> dict:
    initial = {}
    for key, date_key, time_key in (("start", "date", "start_time"), ("end", None, "end_time")):
        try:
            value = dt.datetime.fromisoformat(request.GET.get(key, ""))
        except ValueError:
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
    form = BookingForm(
        request.POST or None, organisations=organisations, initial=_initial_from_query(request)
    )
    conflict, alternatives = None, []
    quote = _form_quote(room, form, organisations)
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
        }
        try:
            if request.POST.get("action") == "confirm":
                _series, bookings, plan = series_create(
                    by=request.user, title=data["title"], public=data["public"],
                    notes=data["notes"], on_conflict="skip", **season,
                )  # fmt: skip
                messages.success(request, _series_message(len(bookings), plan))
                return redirect("booking:my_bookings")
            services._check_organisation(request.user, data["organisation"])
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
            {"room": room, "form": form, "plan": plan, "quote": None},
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
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(FORM_FIELD.get(field, field), problem)
        except services.BookingConflict as taken:
            conflict = taken.bookings
            alternatives = [
                {"start": s, "end": e, "url": _booking_link(room, s, e)}
                for s, e in nearest_free_slots(
                    room=room,
                    start=data["start"],
                    end=data["end"],
                    user=request.user,
                    now=timezone.now(),
                )
            ]
        else:
            return redirect("booking:booking_detail", pk=booking.pk)
    return render(
        request,
        "booking/booking_form.html",
        {
            "room": room,
            "form": form,
            "conflict": conflict,
            "alternatives": alternatives,
            "quote": quote,
        },
        status=409 if conflict else 400 if request.method == "POST" else 200,
    )


def _visible_booking(request, pk: int) -> Booking:
    return get_object_or_404(booking_visible_to(request.user), pk=pk)


@login_required
def booking_detail(request, pk: int):
    """One booking, with what happens next (awaiting approval or confirmed)."""
    booking = _visible_booking(request, pk)
    return render(
        request,
        "booking/booking_detail.html",
        {
            "booking": booking,
            "can_manage": roles.can_manage_booking(request.user, booking),
            "cancel_form": CancelForm(),
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
        {"upcoming": upcoming, "past": past, "cancel_form": CancelForm()},
    )


@login_required
@require_POST
def booking_cancel(request, pk: int):
    """Cancel one booking, or with ``following`` this week of a series and all later."""
    booking = _visible_booking(request, pk)
    if not roles.can_manage_booking(request.user, booking):
        raise PermissionDenied
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if request.POST.get("following") and booking.series_id is not None:
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
    return redirect("booking:my_bookings")


def _officer(request):
    if not roles.is_officer(request.user):
        raise PermissionDenied


@login_required
def approval_queue(request):
    """Requests awaiting approval, oldest first."""
    _officer(request)
    pending = (
        Booking.objects.filter(status=Booking.Status.PENDING)
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
    return render(
        request,
        "booking/approval_queue.html",
        {"requests": requests, "decision_form": DecisionForm()},
    )


@login_required
@require_POST
def booking_decide(request, pk: int):
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
        messages.error(request, " ".join(error.messages))
    else:
        done = _("Approved: %(title)s.") if decision == "approve" else _("Rejected: %(title)s.")
        messages.success(request, done % {"title": booking.title})
    return redirect("booking:approval_queue")


@login_required
def awaiting_verification(request):
    """Organisations that call themselves voluntary, waiting for an officer to verify."""
    _officer(request)
    return render(
        request,
        "booking/awaiting_verification.html",
        {"organisations": organisations_awaiting_verification()},
    )


@login_required
@require_POST
def organisation_verify(request, pk: int):
    _officer(request)
    organisation = get_object_or_404(Organisation, pk=pk)
    services.organisation_verify(organisation=organisation, by=request.user)
    messages.success(
        request, _("%(name)s is verified as a voluntary organisation.") % {"name": organisation}
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
        {"form": form, "report": support_report(year), "year": year},
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
    """Close a site or a room: first see which bookings it cancels, then confirm."""
    _officer(request)
    form = ClosureForm(request.POST or None)
    hits = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = {"site": data["site"], "room": data["room"]}
        try:
            closure_validate(**where, start=data.get("start"), end=data.get("end"),
                             reason=data["reason"])  # fmt: skip
            if request.POST.get("action") == "confirm":
                _closure, cancelled = closure_create(
                    **where, start=data["start"], end=data["end"], reason=data["reason"],
                    by=request.user,
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
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(CLOSURE_FIELD.get(field, field), problem)
    return render(
        request,
        "booking/closure_form.html",
        {"form": form, "hits": hits},
        status=400 if form.errors else 200,
    )
