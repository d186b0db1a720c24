"""The seasons list, a new season, and a season's own page with the officer's actions
(open, close, run the proposal, publish) and the organisation's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from booking import roles
from booking.models import Booking, Organisation
from seasons import services
from seasons.forms import SEASON_FIELDS, SeasonForm
from seasons.models import Allocation, Application, Criterion, Season, Wish
from seasons.publish import season_publish
from seasons.views.common import asked, reading, require_officer, visible_season


@login_required
def season_list(request):
    """Seasons open for applications (and later ones) for everyone signed in, with the
    status of each of the user's organisations' applications; officers see drafts too."""
    officer = roles.is_officer(request.user)
    seasons = Season.objects.all() if officer else Season.objects.exclude(status="draft")
    mine = roles.organisation_ids(request.user)
    applications: dict[int, list] = {}
    for application in Application.objects.filter(organisation_id__in=mine).select_related(
        "organisation"
    ):
        applications.setdefault(application.season_id, []).append(application)
    rows = [{"season": s, "applications": applications.get(s.pk, [])} for s in seasons]
    return render(
        request,
        "seasons/season_list.html",
        {"rows": rows, "officer": officer, "member": bool(mine)},
    )


@login_required
def season_new(request):
    require_officer(request)
    form = SeasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            season = services.season_create(
                by=request.user,
                name=data["name"],
                first_date=data["first_date"],
                last_date=data["last_date"],
                applications_open=data["applications_open"],
                applications_close=data["applications_close"],
                sites=list(data["sites"]),
                rooms=list(data["rooms"]),
                priorities=data["priorities"],
                tolerance_minutes=data["tolerance_minutes"],
            )
        except ValidationError as error:
            _add_errors(form, error, SEASON_FIELDS)
        else:
            messages.success(request, _("The season is made as a draft. Open it when ready."))
            return redirect("seasons:detail", pk=season.pk)
    status = 400 if form.is_bound else 200
    return render(request, "seasons/season_form.html", {"form": form}, status=status)


def _add_errors(form, error: ValidationError, rename: dict) -> None:
    for field, texts in error.message_dict.items():
        name = rename.get(field, field)
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


@login_required
def season_detail(request, pk: int):
    season = visible_season(request, pk)
    officer = roles.is_officer(request.user)
    labels = dict(Criterion.choices)
    priorities = [labels[p] for p in season.priorities if p in labels]
    context = {"season": season, "officer": officer, "priorities": priorities}
    if officer:
        context |= _officer_view(season)
    context |= _member_view(request, season)
    return render(request, "seasons/season_detail.html", context)


def _officer_view(season: Season) -> dict:
    applications = (
        season.applications.select_related("organisation", "members_checked_by")
        .annotate(wish_count=Count("wishes"))
        .order_by("submitted_at", "pk")
    )
    counts = Allocation.objects.filter(wish__application__season=season).aggregate(
        total=Count("pk"),
        booked=Count("pk", filter=Q(series__isnull=False)),
        failed=Count("pk", filter=~Q(publish_error="")),
    )
    return {
        "applications": applications,
        "counts": counts,
        "can_allocate": season.status in (Season.Status.OPEN, Season.Status.CLOSED),
    }


def _member_view(request, season: Season) -> dict:
    """The user's organisations' applications; after publishing, each wish's decision.
    Before that, never the proposal."""
    mine = roles.organisation_ids(request.user)
    if not mine:
        return {"mine": [], "to_apply": []}
    published = season.status == Season.Status.PUBLISHED
    wishes = Wish.objects.select_related("site", "room")
    if published:
        wishes = wishes.select_related("allocation__room__site", "allocation__series")
    applications = list(
        season.applications.filter(organisation_id__in=mine)
        .select_related("organisation")
        .prefetch_related(Prefetch("wishes", queryset=wishes))
        .order_by("organisation__name")
    )
    weeks = _series_weeks(applications) if published else {}
    mine_rows = []
    for application in applications:
        rows = []
        for wish in application.wishes.all():
            row = reading(wish) if published else {"wish": wish, "asked": asked(wish)}
            allocation = row.get("allocation")
            if allocation is not None and allocation.series_id:
                row["weeks"] = weeks.get(allocation.series_id, [])
            rows.append(row)
        mine_rows.append({"application": application, "wishes": rows})
    applied = {a.organisation_id for a in applications}
    to_apply = []
    if season.accepts_applications():
        to_apply = list(
            Organisation.objects.filter(pk__in=mine - applied).order_by("name").only("pk", "name")
        )
    return {
        "mine": mine_rows,
        "to_apply": to_apply,
        "accepts": season.accepts_applications(),
        "published": published,
    }


def _series_weeks(applications) -> dict[int, list]:
    """Each published series' bookings (one query), for the link to its weeks."""
    series = [
        w.allocation.series_id
        for a in applications
        for w in a.wishes.all()
        if getattr(w, "allocation", None) is not None and w.allocation.series_id
    ]
    weeks: dict[int, list] = {}
    for booking in (
        Booking.objects.filter(series_id__in=series)
        .order_by("start")
        .only("pk", "series_id", "start", "end", "status")
    ):
        weeks.setdefault(booking.series_id, []).append(booking)
    return weeks


@login_required
@require_POST
def season_status(request, pk: int):
    require_officer(request)
    season = get_object_or_404(Season, pk=pk)
    status = request.POST.get("status", "")
    try:
        services.season_set_status(season=season, by=request.user, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = {
            "open": _("The season is open for applications."),
            "closed": _("The season is closed for applications."),
        }
        messages.success(request, done[status])
    return redirect("seasons:detail", pk=season.pk)


def _confirm(request, season, kind: str, **extra):
    """The question before a destructive action: a form that sends it again, confirmed."""
    return render(
        request,
        "seasons/season_confirm.html",
        {"season": season, "kind": kind, **extra},
    )


@login_required
@require_POST
def proposal_run(request, pk: int):
    """Run the proposal; if one exists it is replaced (the officer's own decisions stay),
    so that is asked first."""
    require_officer(request)
    season = get_object_or_404(Season, pk=pk)
    existing = Allocation.objects.filter(
        wish__application__season=season, decided_by__isnull=True
    ).count()
    if existing and request.POST.get("confirmed") != "yes":
        return _confirm(request, season, "proposal", existing=existing)
    try:
        allocations = services.proposal_run(season=season, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("seasons:detail", pk=season.pk)
    messages.success(
        request,
        ngettext(
            "The proposal allocated %(count)d wish. Check it on the board.",
            "The proposal allocated %(count)d wishes. Check them on the board.",
            len(allocations),
        )
        % {"count": len(allocations)},
    )
    return redirect("seasons:board", pk=season.pk)


@login_required
@require_POST
def publish(request, pk: int):
    """Publish (always asked first): the weekly bookings are made and the letters sent."""
    require_officer(request)
    season = get_object_or_404(Season, pk=pk)
    if request.POST.get("confirmed") != "yes":
        undecided = Wish.objects.filter(application__season=season, allocation__isnull=True).count()
        # Publishing refuses while a wish has no decision: say so before asking.
        blocked = ""
        if undecided:
            blocked = ngettext(
                "%(count)d wish has no decision yet: run the proposal first.",
                "%(count)d wishes have no decision yet: run the proposal first.",
                undecided,
            ) % {"count": undecided}
        return _confirm(request, season, "publish", blocked=blocked)
    try:
        result = season_publish(season=season, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("seasons:detail", pk=season.pk)
    failed = (
        Wish.objects.filter(pk__in=list(result.failed))
        .select_related("application__organisation", "site", "room")
        .order_by("application__organisation__name", "rank")
    )
    return render(
        request,
        "seasons/publish_result.html",
        {
            "season": season,
            "result": result,
            "failed": [(wish, result.failed[wish.pk]) for wish in failed],
        },
    )


@login_required
@require_POST
def members_check(request, pk: int, application: int):
    """The officer confirms the number of members under 20 (or withdraws that)."""
    require_officer(request)
    found = get_object_or_404(Application, pk=application, season_id=pk)
    checked = request.POST.get("checked") != "no"
    services.application_check_members(application=found, by=request.user, checked=checked)
    messages.success(
        request,
        (_("Checked: %(name)s.") if checked else _("No longer checked: %(name)s."))
        % {"name": found.organisation.name},
    )
    return redirect("seasons:detail", pk=pk)
