"""An organisation's application: contact, members under 20 and ranked wishes, while the
season takes applications; read-only after."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from booking import roles
from booking.forms import parse_pk
from booking.models import Organisation
from seasons import services
from seasons.facts import season_rooms
from seasons.forms import WISH_FIELDS, WishForm, place_choices, wish_formset
from seasons.forms import ApplicationForm as ContactForm
from seasons.models import Application
from seasons.views.common import asked, hm, visible_season

PREFIX = "wishes"
EMPTY_ROWS = 3
WISH_ERROR = re.compile(r"^wishes\[(\d+)\]\.(\w+)$")


@login_required
def application_page(request, pk: int):
    season = visible_season(request, pk)
    mine = roles.organisation_ids(request.user)
    if not mine:
        raise PermissionDenied
    chosen = parse_pk(request.GET.get("organisation"))
    if chosen and chosen not in mine:
        raise Http404  # another organisation's application is not there for you
    if not chosen and len(mine) > 1:
        organisations = Organisation.objects.filter(pk__in=mine).order_by("name")
        return render(
            request,
            "seasons/application_choose.html",
            {"season": season, "organisations": organisations},
        )
    organisation = Organisation.objects.get(pk=chosen or next(iter(mine)))
    application = (
        Application.objects.filter(season=season, organisation=organisation)
        .prefetch_related("wishes__site", "wishes__room")
        .first()
    )
    context = {"season": season, "organisation": organisation, "application": application}
    if not season.accepts_applications():
        wishes = (
            [{"wish": w, "asked": asked(w)} for w in application.wishes.all()]
            if (application)
            else []
        )
        return render(request, "seasons/application_view.html", context | {"wishes": wishes})
    rooms = list(season_rooms(season))
    places = place_choices(rooms)
    if request.method == "POST" and "add" not in request.POST:
        return _submit(request, context, rooms, places)
    if request.method == "POST":  # "add another wish": the same values, one row more
        form = ContactForm(initial=request.POST.dict())
        rows = _posted_rows(request.POST)
        formset = _formset(len(rows) + 1, places, initial=rows)
    else:
        form = ContactForm(initial=_contact_initial(request.user, organisation, application))
        rows = _wish_initial(application)
        formset = _formset(len(rows) + (1 if rows else EMPTY_ROWS), places, initial=rows)
    return _render(request, context, form, formset)


def _formset(rows, places, **kwargs):
    return wish_formset(rows)(prefix=PREFIX, form_kwargs={"places": places}, **kwargs)


def _render(request, context, form, formset, errors=(), status=200):
    return render(
        request,
        "seasons/application_form.html",
        context | {"form": form, "formset": formset, "wish_errors": errors},
        status=status,
    )


def _submit(request, context, rooms, places):
    form = ContactForm(request.POST)
    total = parse_pk(request.POST.get(f"{PREFIX}-TOTAL_FORMS")) or EMPTY_ROWS
    formset = wish_formset(min(total, 20))(
        request.POST, prefix=PREFIX, form_kwargs={"places": places}
    )
    if not (form.is_valid() and formset.is_valid()):
        return _render(request, context, form, formset, status=400)
    by_place = {f"room-{r.pk}": (r.site, r) for r in rooms} | {
        f"site-{r.site_id}": (r.site, None) for r in rooms
    }
    filled = [f for f in formset.forms if f.has_changed() and f.cleaned_data]
    wishes = []
    for row in filled:
        data = row.cleaned_data
        site, room = by_place[data["place"]]
        wishes.append(
            {
                "site": site,
                "room": room,
                **{k: data[k] for k in ("weekday", "start_time", "end_time", "attendees")},
                **{k: data[k] for k in ("activity", "children_and_youth", "rank")},
            }
        )
    contact = form.cleaned_data
    try:
        services.application_save(
            season=context["season"],
            organisation=context["organisation"],
            by=request.user,
            wishes=wishes,
            **contact,
        )
    except PermissionDenied:
        form.add_error(None, _("Confirm your email address before you apply."))
    except ValidationError as error:
        errors = _place_errors(error, form, filled)
        return _render(request, context, form, formset, errors=errors, status=400)
    else:
        messages.success(
            request,
            _("The application of %(name)s is saved. You can change it until %(close)s.")
            % {
                "name": context["organisation"].name,
                "close": _local(context["season"].applications_close),
            },
        )
        return redirect("seasons:detail", pk=context["season"].pk)
    return _render(request, context, form, formset, status=400)


def _place_errors(error: ValidationError, form, rows) -> list[str]:
    """The service's errors next to their row and field; the rest above the wishes."""
    general = []
    for key, texts in error.message_dict.items():
        match = WISH_ERROR.match(key)
        if match and int(match[1]) < len(rows):
            field = WISH_FIELDS.get(match[2], match[2])
            row = rows[int(match[1])]
            for text in texts:
                row.add_error(field if field in row.fields else None, text)
        elif key in form.fields:
            for text in texts:
                form.add_error(key, text)
        else:
            general.extend(texts)
    return general


def _local(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _contact_initial(user, organisation, application) -> dict:
    if application is not None:
        return {
            "contact_name": application.contact_name,
            "contact_email": application.contact_email,
            "contact_phone": application.contact_phone,
            "members_under_20": application.members_under_20,
            "note": application.note,
        }
    return {
        "contact_name": user.get_full_name() or organisation.contact_person,
        "contact_email": user.email or organisation.contact_email,
        "contact_phone": organisation.contact_phone or organisation.phone,
    }


def _wish_initial(application) -> list[dict]:
    if application is None:
        return []
    return [
        {
            "place": f"room-{w.room_id}" if w.room_id else f"site-{w.site_id}",
            "weekday": w.weekday,
            "start_time": hm(w.start_time),
            "end_time": hm(w.end_time),
            "attendees": w.attendees,
            "activity": w.activity,
            "children_and_youth": w.children_and_youth,
            "rank": w.rank,
        }
        for w in application.wishes.all()
    ]


def _posted_rows(data) -> list[dict]:
    """The rows as sent (unchecked, as text), to show them again with one more."""
    total = min(parse_pk(data.get(f"{PREFIX}-TOTAL_FORMS")), 19)
    rows = []
    for index in range(total):
        row = {name: data.get(f"{PREFIX}-{index}-{name}", "") for name in WishForm.base_fields}
        row["children_and_youth"] = bool(row["children_and_youth"])
        rows.append(row)
    return rows
