"""Event pages: the public page, the organisation's form and list, withdrawing (asked
first), and an officer hiding an event with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import roles
from booking.models import Organisation
from community import events as services
from community.event_forms import EventForm, HideForm, add_service_errors
from community.models import AgeGroup, Event
from community.selectors import event_clashes


def _member_organisation(request, pk: int) -> Organisation:
    if pk not in roles.organisation_ids(request.user):
        raise Http404("not a member")
    return get_object_or_404(Organisation, pk=pk)


def _event(request, pk: int) -> Event:
    """A published event for anyone; a hidden one only for its organisation's members and
    booking officers (everyone else: 404, as if it did not exist)."""
    event = get_object_or_404(
        Event.objects.select_related("organisation", "site", "booking__room"), pk=pk
    )
    if event.status != Event.Status.PUBLISHED and not (
        services.can_edit(request.user, event) or roles.is_officer(request.user)
    ):
        raise Http404("not published")
    return event


def event_page(request, pk: int):
    event = _event(request, pk)
    editor = services.can_edit(request.user, event)
    return render(request, "community/ev_event.html", {
        "event": event, "editor": editor, "officer": roles.is_officer(request.user),
        "clashes": event_clashes(event) if editor else [],
        "age_groups": [AgeGroup(g).label for g in event.age_groups if g in AgeGroup.values],
        # Checked when saved; checked again here, as a link is only ever http(s).
        "link": event.link if event.link.lower().startswith(("http://", "https://")) else "",
    })  # fmt: skip


@login_required
def organisation_events(request, pk: int):
    """The organisation's events, for its members: upcoming first, and hidden ones marked."""
    organisation = _member_organisation(request, pk)
    events = organisation.events.filter(end__gt=timezone.now()).select_related(
        "site", "booking__room"
    )
    return render(request, "community/ev_organisation_events.html", {
        "organisation": organisation, "events": events.order_by("start", "id"),
    })  # fmt: skip


def _save(request, form, organisation, event=None):
    """Run the service; on success to the event page (which lists the clashes)."""
    values = form.values()
    try:
        if event is None:
            saved = services.event_create(organisation=organisation, by=request.user, **values)
            messages.success(request, _("The event is published."))
        else:
            if not values["image"]:
                values.pop("image")
            saved = services.event_update(event=event, by=request.user, **values)
            messages.success(request, _("The event is saved."))
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return redirect("community:event", saved.pk)


@login_required
def event_new(request, pk: int):
    organisation = _member_organisation(request, pk)
    form = EventForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, organisation)
        if done:
            return done
    return render(request, "community/ev_event_form.html", {
        "form": form, "organisation": organisation, "event": None,
    })  # fmt: skip


@login_required
def event_edit(request, pk: int):
    event = _event(request, pk)
    if not services.can_edit(request.user, event):
        raise PermissionDenied
    form = EventForm(
        request.POST or None, request.FILES or None, organisation=event.organisation,
        event=event, initial=EventForm.initial_for(event),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, event.organisation, event)
        if done:
            return done
    return render(request, "community/ev_event_form.html", {
        "form": form, "organisation": event.organisation, "event": event,
    })  # fmt: skip


@login_required
def event_withdraw(request, pk: int):
    """GET asks first and changes nothing; POST withdraws (deletes) the event."""
    event = _event(request, pk)
    if not services.can_edit(request.user, event):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "community/ev_withdraw.html", {"event": event})
    services.event_delete(event=event, by=request.user)
    messages.success(request, _("The event is withdrawn."))
    return redirect("community:organisation_events", event.organisation_id)


@login_required
def event_hide(request, pk: int):
    """Booking officers hide an event, saying why; the organiser is told."""
    if not roles.is_officer(request.user):
        raise PermissionDenied
    event = _event(request, pk)
    form = HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_hide(event=event, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is hidden; the organiser is told why."))
            return redirect("community:event", event.pk)
    return render(request, "community/ev_hide.html", {"event": event, "form": form})


@require_POST
@login_required
def event_unhide(request, pk: int):
    if not roles.is_officer(request.user):
        raise PermissionDenied
    event = _event(request, pk)
    services.event_unhide(event=event, by=request.user)
    messages.success(request, _("The event is shown again."))
    return redirect(reverse("community:event", args=[event.pk]))
