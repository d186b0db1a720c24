"""The calendar and the directory for an iframe on the municipality's own web site.

An iframe sends the visitor's Lokale cookies along, so these pages read nothing of the
visitor: no session, no user, no CSRF token, no messages, no language cookie (the page's
language is its ``lang`` parameter). Nothing is set either: no Set-Cookie, and as the
session is never touched, no ``Vary: Cookie`` — a shared cache may keep one copy per
address. They may be framed by the origins of ``settings.EMBED_ORIGINS`` only (none when
unset); every other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
"""

import datetime as dt
import hashlib
from functools import wraps
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import condition, require_safe

from booking.forms import bounded_date
from booking.models import Booking, Organisation, Site
from booking.selectors import public_bookings
from booking.timeutil import OSLO, local_midnight
from community.models import AgeGroup, Category, Event

PAGE_SIZE = 50  # organisations on a page of the directory embed (never more than 200)
MAX_AGE = 300  # seconds a browser or shared cache may keep an embed without asking


class EmbedParameters(forms.Form):
    site = forms.ModelChoiceField(Site.objects.exclude(kind=Site.Kind.LENDING_CENTRE),
                                  required=False)  # fmt: skip
    category = forms.ChoiceField(choices=Category.choices, required=False)
    age_group = forms.ChoiceField(choices=AgeGroup.choices, required=False)
    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)


class CalendarParameters(EmbedParameters):
    week = forms.DateField(input_formats=["%Y-%m-%d"], required=False,
                           validators=[bounded_date])  # fmt: skip


class DirectoryParameters(EmbedParameters):
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)


def _json_list_has(field: str, code: str) -> Q:
    """A JSON list of choice codes holds ``code``: its text holds the quoted code. Works
    alike on PostgreSQL and SQLite (which has no JSON containment); the codes are
    validated choices without quotes, so no code matches inside another."""
    return Q(**{f"{field}__icontains": f'"{code}"'})


def _age_filter(field: str, age_group: str) -> Q:
    """For an age group: what is meant for it, and what is meant for all ages."""
    return _json_list_has(field, age_group) | _json_list_has(field, AgeGroup.ALL)


def embed(parameters: type[forms.Form], fingerprint):
    """Checks the parameters (a bad one: 400 with a plain message), answers If-None-Match
    from ``fingerprint(params)`` (and the address) before anything is read for the page, and lets
    the configured origins frame the page."""

    def decorator(page):
        conditional = condition(
            etag_func=lambda request: _etag(request, fingerprint(request.embed_params))
        )(lambda request: page(request, request.embed_params))

        @wraps(page)
        def view(request):
            # Read per request, so that a test's override_settings counts.
            # With no origin configured no one may frame it, and X-Frame-Options says so
            # too (as on every page); with origins, the CSP alone says which (the older
            # header cannot name more than one).
            origins = settings.EMBED_ORIGINS
            framed = csp_replace({"frame-ancestors": origins or ["'none'"]})(answer)
            return (xframe_options_exempt(framed) if origins else framed)(request)

        def answer(request):
            form = parameters(request.GET)
            # The message is for whoever wrote the iframe's address: in English, whatever
            # language cookie the visitor has.
            with translation.override("en"):
                problems = "; ".join(f"{name}: {' '.join(errors)}"
                                     for name, errors in form.errors.items())  # fmt: skip
            if problems:
                response = HttpResponseBadRequest(
                    f"Bad parameter. {problems}\n", content_type="text/plain; charset=utf-8"
                )
            else:
                request.embed_params = {**form.cleaned_data,
                                        "lang": form.cleaned_data["lang"] or "nb"}  # fmt: skip
                response = conditional(request)
                patch_cache_control(response, public=True, max_age=MAX_AGE)
            return response

        return require_safe(view)

    return decorator


def _etag(request, fingerprint: str) -> str:
    """The parameters and the fingerprint of what the page shows; the hour, so that a
    change the fingerprint cannot see (a renamed room or organisation) shows within it."""
    hour = timezone.now().strftime("%Y%m%d%H")
    raw = "|".join([request.get_full_path(), fingerprint, hour])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _render(params: dict, template: str, context: dict) -> HttpResponse:
    """Rendered without the request: no context processor reads the user or the session."""
    with translation.override(params["lang"]):
        html = render_to_string(template, {**context, "lang": params["lang"]})
    response = HttpResponse(html)
    response["Content-Language"] = params["lang"]
    return response


# --- the calendar ---


def _week(params: dict) -> tuple[dt.date, dt.datetime, dt.datetime]:
    day = params.get("week") or timezone.localdate()
    monday = day - dt.timedelta(days=day.weekday())
    return monday, local_midnight(monday), local_midnight(monday + dt.timedelta(days=7))


def _events(params: dict, start, end):
    found = Event.objects.filter(status=Event.Status.PUBLISHED, start__lt=end, end__gt=start)
    if params.get("site"):
        found = found.filter(Q(site=params["site"]) | Q(booking__room__site=params["site"]))
    if params.get("category"):
        found = found.filter(category=params["category"])
    if params.get("age_group"):
        found = found.filter(_age_filter("age_groups", params["age_group"]))
    return found


def _bookings(params: dict, start, end):
    """Public bookings; with a category or age group, only those of listed organisations
    whose profile says so (a booking has neither of its own)."""
    found = public_bookings(start, end, site=params.get("site"))
    profile = "organisation__public_profile__"
    if params.get("category") or params.get("age_group"):
        found = found.filter(organisation__in_directory=True)
    if params.get("category"):
        found = found.filter(_json_list_has(f"{profile}categories", params["category"]))
    if params.get("age_group"):
        found = found.filter(_age_filter(f"{profile}age_groups", params["age_group"]))
    return found


def _calendar_fingerprint(params: dict) -> str:
    monday, start, end = _week(params)
    events = _events(params, start, end).aggregate(n=Count("id"), t=Max("updated_at"))
    bookings = _bookings(params, start, end).aggregate(n=Count("id"), t=Max("updated_at"))
    return f"{monday}|{events['n']}|{events['t']}|{bookings['n']}|{bookings['t']}"


@embed(CalendarParameters, _calendar_fingerprint)
def calendar_embed(request, params):
    """The week's published events and public bookings by day: what, who, where, when."""
    monday, start, end = _week(params)
    events = list(
        _events(params, start, end).select_related(
            "organisation", "site", "booking__room__site"
        ).order_by("start", "id")
    )  # fmt: skip
    shown_as_events = {event.booking_id for event in events if event.booking_id}
    bookings = [
        booking for booking in _bookings(params, start, end)
        if booking.pk not in shown_as_events
    ]  # fmt: skip
    days = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for entry in [*map(_event_entry, events), *map(_booking_entry, bookings)]:
        days.setdefault(entry["start"].astimezone(OSLO).date(), []).append(entry)
    for entries in days.values():
        entries.sort(key=lambda entry: entry["start"])
    query = {key: str(getattr(value, "pk", value)) for key, value in params.items()
             if value and key != "week"}  # fmt: skip
    return _render(params, "community/embed_calendar.html", {
        "days": sorted(days.items()), "monday": monday, "sunday": monday + dt.timedelta(days=6),
        "previous": _query({**query, "week": monday - dt.timedelta(days=7)}),
        "next": _query({**query, "week": monday + dt.timedelta(days=7)}),
        "full": "/calendar/?" + _query({"week": monday, **(
            {"site": query["site"]} if "site" in query else {})}),
    })  # fmt: skip


def _query(values: dict) -> str:
    return urlencode({key: str(value) for key, value in values.items()})


def _organisation(organisation: Organisation | None) -> dict | None:
    """Its name and directory page, for an organisation listed in the directory; an
    unlisted one appears nowhere public (its public entries show their title alone)."""
    if organisation is None or not organisation.public_name:
        return None
    return {
        "name": organisation.public_name,
        "about": f"/organisations/{organisation.pk}/about/",
    }


def _event_entry(event: Event) -> dict:
    room = event.booking.room if event.booking_id and event.booking else None
    if room is not None:
        place = f"{room.name}, {room.site.name}"
    else:
        place = ", ".join(part for part in (event.place, getattr(event.site, "name", "")) if part)
    # The event's page at Lokale (community:event, by path as it is the events part's).
    return {"start": event.start, "end": event.end, "title": event.title, "place": place,
            "organisation": _organisation(event.organisation), "link": f"/events/{event.pk}/",
            "kind": "event"}  # fmt: skip


def _booking_entry(booking: Booking) -> dict:
    return {"start": booking.start, "end": booking.end, "title": booking.title,
            "place": f"{booking.room.name}, {booking.room.site.name}",
            "organisation": _organisation(booking.organisation), "link": "",
            "kind": "booking"}  # fmt: skip


# --- the directory ---


def _listed(params: dict):
    found = Organisation.objects.filter(in_directory=True)
    profile = "public_profile__"
    if params.get("site"):
        found = found.filter(public_profile__sites=params["site"])
    if params.get("category"):
        found = found.filter(_json_list_has(f"{profile}categories", params["category"]))
    if params.get("age_group"):
        found = found.filter(_age_filter(f"{profile}age_groups", params["age_group"]))
    return found


def _directory_fingerprint(params: dict) -> str:
    seen = _listed(params).aggregate(
        n=Count("id"), last=Max("id"), t=Max("public_profile__updated_at")
    )
    return f"{seen['n']}|{seen['last']}|{seen['t']}"


@embed(DirectoryParameters, _directory_fingerprint)
def directory_embed(request, params):
    """Listed organisations, by name: introduction, activities, categories, for whom."""
    listed = _listed(params).select_related("public_profile").order_by("name", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(params.get("page") or 1)
    categories, ages = dict(Category.choices), dict(AgeGroup.choices)
    entries = []
    for organisation in page.object_list:
        profile = getattr(organisation, "public_profile", None)
        entries.append({
            "name": organisation.name, "introduction": organisation.public_description,
            "about": f"/organisations/{organisation.pk}/about/",
            "activities": profile.activities if profile else "",
            "categories": [categories[c] for c in (profile.categories if profile else [])
                           if c in categories],
            "age_groups": [ages[a] for a in (profile.age_groups if profile else []) if a in ages],
        })  # fmt: skip
    query = {key: str(getattr(value, "pk", value)) for key, value in params.items()
             if value and key != "page"}  # fmt: skip
    return _render(params, "community/embed_directory.html", {
        "entries": entries, "page": page,
        "previous": _query({**query, "page": page.previous_page_number()})
        if page.has_previous() else "",
        "next": _query({**query, "page": page.next_page_number()}) if page.has_next() else "",
    })  # fmt: skip
