"""The officer's board (rooms × weekdays, conflicts marked) and the decision on one wish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from booking.forms import parse_pk
from seasons import services
from seasons.facts import season_rooms
from seasons.forms import AllocationForm, FilterForm
from seasons.models import Allocation, Wish
from seasons.views.common import WEEKDAY_NAMES, reading, require_officer, visible_season

DECISION_FIELDS = {"note", "outcome", "room", "weekday", "start_time", "end_time"}


def _position(item: dict) -> tuple:
    """Where a wish stands on the board: its place if granted or moved, else where it
    asks (a room, or "any room" of its site)."""
    wish, allocation = item["wish"], item["allocation"]
    if allocation is not None and allocation.placed:
        return (
            ("room", allocation.room_id),
            allocation.weekday,
            allocation.start_time,
            (allocation.end_time),
        )
    where = ("room", wish.room_id) if wish.room_id else ("site", wish.site_id)
    return where, wish.weekday, wish.start_time, wish.end_time


def _mark_conflicts(items: list[dict]) -> None:
    """Two wishes that would hold the same room at overlapping times (a denied one holds
    nothing). Midnight as an end is the end of the day."""
    live = [i for i in items if i["outcome"] != Allocation.Outcome.DENIED]
    for index, one in enumerate(live):
        for other in live[index + 1 :]:
            if one["start"] < other["end"] and other["start"] < one["end"]:
                one["conflict"] = other["conflict"] = True


def _by_start(item):
    return item["start"]


def _end_key(value):
    return value.hour * 60 + value.minute or 24 * 60


def board_data(season, *, site=None, organisation=None) -> dict:
    """Rows (rooms, then "any room" of a site where a wish waits for one), seven day
    cells each, and the same wishes as one list by weekday and time. Three queries."""
    rooms = list(season_rooms(season))
    wishes = (
        Wish.objects.filter(application__season=season)
        .select_related("application__organisation", "site", "room", "allocation__room__site")
        .order_by("weekday", "start_time", "application__organisation__name", "rank", "pk")
    )
    items, sites, organisations = [], {}, {}
    for room in rooms:
        sites[room.site_id] = room.site.name
    for wish in wishes:
        organisations[wish.application.organisation_id] = wish.application.organisation.name
        item = reading(wish) | {"conflict": False}
        where, weekday, start, end = _position(item)
        item |= {"where": where, "weekday": weekday, "start": start.hour * 60 + start.minute}
        item |= {"end": _end_key(end), "day": WEEKDAY_NAMES[weekday]}
        item["time"] = f"{start:%H:%M}–{end:%H:%M}"
        placed = item["allocation"] is not None and item["allocation"].placed
        item["site_id"] = item["allocation"].room.site_id if placed else wish.site_id
        if site and item["site_id"] != site:
            continue
        if organisation and wish.application.organisation_id != organisation:
            continue
        items.append(item)
    cells: dict[tuple, list] = {}
    for item in items:
        cells.setdefault((item["where"], item["weekday"]), []).append(item)
    for cell in cells.values():
        _mark_conflicts(cell)
    names = {("room", r.pk): f"{r.name} ({r.site.name})" for r in rooms}
    rows = [("room", r.pk) for r in rooms if not site or r.site_id == site]
    rows += sorted({i["where"] for i in items if i["where"][0] == "site"})
    for kind, pk in rows:
        if kind == "site":
            names[(kind, pk)] = _("Any room at %(site)s") % {"site": sites.get(pk, "")}
    for item in items:
        item["place_name"] = names.get(item["where"], "")
    grid = [
        {
            "name": names.get(row, ""),
            "days": [sorted(cells.get((row, day), []), key=_by_start) for day in range(7)],
        }
        for row in rows
    ]
    return {
        "grid": grid,
        "list": sorted(items, key=lambda i: (i["weekday"], i["start"], i["place_name"])),
        "sites": sorted(sites.items(), key=lambda s: s[1]),
        "organisations": sorted(organisations.items(), key=lambda o: o[1]),
        "conflicts": sum(1 for i in items if i["conflict"]),
    }


@login_required
def board(request, pk: int):
    require_officer(request)
    season = visible_season(request, pk)
    # The choices come with the data, so the filters are read first and checked after.
    site = parse_pk(request.GET.get("site")) or None
    organisation = parse_pk(request.GET.get("organisation")) or None
    data = board_data(season, site=site, organisation=organisation)
    form = FilterForm(
        request.GET if (site or organisation) else None,
        sites=data["sites"],
        organisations=data["organisations"],
    )
    form.is_valid()
    return render(
        request,
        "seasons/board.html",
        {"season": season, "form": form, "weekdays": list(WEEKDAY_NAMES.values())} | data,
    )


@login_required
def wish_decide(request, pk: int, wish: int):
    """One wish: what it asks, what it has now and why, and the officer's decision."""
    require_officer(request)
    season = visible_season(request, pk)
    found = get_object_or_404(
        Wish.objects.select_related(
            "application__organisation", "site", "room", "allocation__room__site"
        ),
        pk=wish,
        application__season=season,
    )
    rooms = season_rooms(season)
    item = reading(found)
    allocation = item["allocation"]
    if request.method == "POST":
        form = AllocationForm(request.POST, rooms=rooms)
        if form.is_valid():
            data = form.cleaned_data
            outcome = data["outcome"] if data["outcome"] == "denied" else "granted"
            try:
                services.allocation_set(
                    wish=found,
                    by=request.user,
                    outcome=outcome,
                    note=data["note"],
                    room=data["room"],
                    weekday=data["weekday"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                )
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    for text in texts:
                        form.add_error(field if field in DECISION_FIELDS else None, text)
            else:
                messages.success(
                    request,
                    _("Decision saved: %(activity)s, %(organisation)s.")
                    % {
                        "activity": found.activity,
                        "organisation": found.application.organisation.name,
                    },
                )
                return redirect(reverse("seasons:board", args=[season.pk]) + f"#wish-{found.pk}")
        status = 400
    else:
        placed = allocation is not None and allocation.placed
        source = allocation if placed else found
        form = AllocationForm(
            rooms=rooms,
            initial={
                "outcome": "denied" if allocation and not placed else "place",
                "room": source.room_id or None,
                "weekday": source.weekday,
                "start_time": source.start_time,
                "end_time": source.end_time,
            },
        )
        status = 200
    return render(
        request,
        "seasons/wish_decide.html",
        {"season": season, "item": item, "form": form},
        status=status,
    )
