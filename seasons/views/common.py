"""What the season pages share: who may see a season, and how a wish is read out."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from booking import roles
from booking.models import OpeningHours
from seasons.explain import explain
from seasons.models import Season

WEEKDAY_NAMES = dict(OpeningHours.Weekday.choices)


def require_officer(request) -> None:
    if not roles.is_officer(request.user):
        raise PermissionDenied


def visible_season(request, pk: int) -> Season:
    """A draft is the booking office's own: for anyone else it does not exist."""
    season = get_object_or_404(Season, pk=pk)
    if season.status == Season.Status.DRAFT and not roles.is_officer(request.user):
        raise Http404
    return season


def hm(value) -> str:
    return value.strftime("%H:%M") if value else ""


def asked(wish) -> str:
    """Where and when a wish asks: "Monday 18:00–19:30, Gymsal A" (or "any room")."""
    place = wish.room.name if wish.room_id else _("any room at %(site)s") % {"site": wish.site}
    return f"{WEEKDAY_NAMES[wish.weekday]} {hm(wish.start_time)}–{hm(wish.end_time)}, {place}"


def placed(allocation) -> str:
    """Where a granted or moved wish is: "Monday 18:00–19:30, Gymsal A, Nordby skole"."""
    if allocation is None or not allocation.placed:
        return ""
    return (
        f"{WEEKDAY_NAMES[allocation.weekday]} {hm(allocation.start_time)}–"
        f"{hm(allocation.end_time)}, {allocation.room.name}, {allocation.room.site.name}"
    )


def allocation_of(wish):
    # The missing reverse one-to-one raises a subclass of AttributeError.
    return getattr(wish, "allocation", None)


def reading(wish) -> dict:
    """A wish with its allocation in words, for the board, the forms and the decision."""
    allocation = allocation_of(wish)
    return {
        "wish": wish,
        "asked": asked(wish),
        "allocation": allocation,
        "outcome": allocation.outcome if allocation else "none",
        "outcome_label": allocation.get_outcome_display() if allocation else _("not decided"),
        "placed": placed(allocation),
        "why": explain(allocation.explanation, allocation.note) if allocation else "",
    }
