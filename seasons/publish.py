"""Publishing a season: every granted or moved wish becomes a weekly series, then each
organisation gets one decision letter.

One transaction. On PostgreSQL the queues of every organisation and every room involved
are taken first, in that order (the order single bookings take them in), so a booking
made at the same moment either commits before and makes its wish fail, or waits and gets
its 409 after. Each wish is booked in a savepoint: one that fails (a booking made in the
meantime, the room's rules changed) is recorded on its allocation and the rest go on.
A wish already booked is skipped, so publishing again creates nothing twice.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.locks import queue_for_organisation, queue_for_room
from booking.models import OpeningHours
from booking.notify import language_of
from booking.series import SeriesConflict, SeriesReads, series_create
from booking.timeutil import to_local
from config.errors import ConflictError
from notifications.models import Message
from notifications.services import enqueue
from seasons.explain import explain
from seasons.models import Allocation, Season, Wish
from seasons.services import _fail, require_officer


@dataclass
class PublishResult:
    booked: list[int] = field(default_factory=list)  # wish ids booked now
    failed: dict[int, str] = field(default_factory=dict)  # wish id -> why
    letters: int = 0


def _first_day(season: Season, now: dt.datetime) -> dt.date:
    """A season published after it began is booked from tomorrow."""
    return max(season.first_date, to_local(now).date() + dt.timedelta(days=1))


def _why(error: Exception) -> str:
    if isinstance(error, SeriesConflict):
        taken = [o for o in error.plan.not_free if o.state not in ("holiday", "closed")]
        if taken:
            first = taken[0]
            return _("%(date)s: %(reason)s") % {
                "date": first.date.isoformat(),
                "reason": first.reason,
            }
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def season_publish(*, season: Season, by, now: dt.datetime | None = None) -> PublishResult:
    require_officer(by)
    now = now or timezone.now()
    result = PublishResult()
    with transaction.atomic():
        season = Season.objects.select_for_update().get(pk=season.pk)
        if season.status not in (Season.Status.CLOSED, Season.Status.PUBLISHED):
            raise _fail("status", _("Close the season for applications before publishing."))
        undecided = Wish.objects.filter(application__season=season, allocation__isnull=True).count()
        if undecided:
            raise _fail(
                "allocation",
                ngettext(
                    "%(count)d wish has no decision yet: run the proposal first.",
                    "%(count)d wishes have no decision yet: run the proposal first.",
                    undecided,
                )
                % {"count": undecided},
            )
        todo = list(
            Allocation.objects.filter(
                wish__application__season=season, room__isnull=False, series__isnull=True
            )
            .select_related(
                "wish__application__organisation", "wish__application__submitted_by", "room__site"
            )
            .order_by("wish_id")
        )
        if connection.vendor == "postgresql":
            for organisation_id in sorted({a.wish.application.organisation_id for a in todo}):
                queue_for_organisation(organisation_id)
            for room_id in sorted({a.room_id for a in todo}):
                queue_for_room(room_id)
        first = _first_day(season, now)
        reads = SeriesReads()  # valid: every room's queue is held until the commit
        for allocation in todo:
            _book(
                allocation, season=season, by=by, first=first, now=now, result=result,
                reads=reads,
            )  # fmt: skip
        Allocation.objects.bulk_update(todo, ["series", "publish_error"], batch_size=500)
        Season.objects.filter(pk=season.pk).update(
            status=Season.Status.PUBLISHED, published_at=season.published_at or now
        )
        result.letters = _letters(season, touched={a.wish.application_id for a in todo})
    return result


def _book(allocation, *, season, by, first, now, result, reads: SeriesReads) -> None:
    """Book one wish; series_create's own savepoint undoes it alone if it fails."""
    wish = allocation.wish
    application = wish.application
    try:
        allocation.series, _bookings, _plan = series_create(
            room=allocation.room,
            organisation=application.organisation,
            by=by,
            booked_for=application.submitted_by,
            weekdays=[allocation.weekday],
            start_time=allocation.start_time,
            end_time=allocation.end_time,
            first=first,
            until=season.last_date,
            title=wish.activity,
            attendees=wish.attendees,
            children_and_youth=wish.children_and_youth,
            accept_guidelines=True,
            allotted=True,
            now=now,
            reads=reads,
        )
        allocation.publish_error = ""
        result.booked.append(wish.pk)
    except (ConflictError, ValidationError) as error:
        why = _why(error)
        allocation.publish_error = why[:1000]
        result.failed[wish.pk] = why


def _letters(season: Season, *, touched: set[int]) -> int:
    """One letter per organisation whose wishes were decided in this run (or all, on the
    first publish); the key holds what it says, so the same letter is never sent twice."""
    sent = 0
    allocations = (
        Allocation.objects.filter(wish__application__season=season)
        .select_related(
            "wish__application__submitted_by__profile",
            "wish__application__organisation",
            "room__site",
        )
        .order_by("wish__application_id", "wish__rank")
    )
    by_application: dict[int, list[Allocation]] = {}
    for allocation in allocations:
        by_application.setdefault(allocation.wish.application_id, []).append(allocation)
    for application_id, group in by_application.items():
        application = group[0].wish.application
        if touched and application_id not in touched and season.published_at:
            continue
        language = language_of(application.submitted_by)
        with translation.override(language):
            items = [_item(a) for a in group]
        # Whether a wish failed, not the words: they are in the publishing officer's
        # language, and the same failure read in another must not send the letter again.
        state = "|".join(
            f"{a.wish_id}:{a.outcome}:{a.series_id}:{bool(a.publish_error)}" for a in group
        )
        digest = hashlib.sha256(state.encode()).hexdigest()[:16]
        sent += enqueue(
            channel=Message.Channel.EMAIL,
            recipient=application.contact_email,
            template="season_decision",
            context={
                "season": season.name,
                "organisation": application.organisation.name,
                "items": items,
                "url": f"{settings.SITE_URL}/seasons/{season.pk}/",
            },
            key=f"season:{season.pk}:decision:{application_id}:{digest}",
            language=language,
        )
    return sent


def _item(allocation: Allocation) -> dict:
    wish = allocation.wish
    weekdays = dict(OpeningHours.Weekday.choices)
    item = {
        "rank": wish.rank,
        "activity": wish.activity,
        "asked": f"{weekdays[wish.weekday]} {wish.start_time:%H:%M}–{wish.end_time:%H:%M}",
        "outcome": allocation.get_outcome_display(),
        "denied": not allocation.placed,
        "why": explain(allocation.explanation, allocation.note),
        "error": allocation.publish_error,
        "booked": allocation.series_id is not None,
    }
    if allocation.placed:
        a = allocation
        item["place"] = (
            f"{a.room.name}, {a.room.site.name}, "
            f"{weekdays[a.weekday]} {a.start_time:%H:%M}–{a.end_time:%H:%M}"
        )
    return str_values(item)


def str_values(item: dict) -> dict:
    return {k: (v if isinstance(v, bool | int) else str(v)) for k, v in item.items()}
