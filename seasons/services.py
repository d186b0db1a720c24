"""Every write of season allocation: seasons, applications, the proposal and an
officer's decisions. Each service decides who may (STYLE 14) and runs in one transaction.
Publishing is in ``seasons.publish``."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Organisation, Room, Site
from booking.phones import phone_e164
from seasons.allocator import Board, minutes, propose
from seasons.explain import blocked_text
from seasons.facts import season_facts, season_rooms
from seasons.models import Allocation, Application, Criterion, Season, Wish

MAX_WISHES = 20
EDITABLE = (Season.Status.DRAFT, Season.Status.OPEN, Season.Status.CLOSED)


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def require_officer(by) -> None:
    if by is None or not roles.is_officer(by):
        raise PermissionDenied("only booking officers manage seasons")


def _check_season_fields(values: dict) -> None:
    first, last = values["first_date"], values["last_date"]
    if last < first:
        raise _fail("last_date", _("The last date must not be before the first."))
    if (last - first).days > 366:
        raise _fail("last_date", _("A season can last at most a year."))
    opens, closes = values["applications_open"], values["applications_close"]
    if closes <= opens:
        raise _fail("applications_close", _("Applications must close after they open."))
    if closes.date() > first:
        raise _fail("applications_close", _("Applications must close before the season begins."))
    priorities = values.get("priorities") or []
    if len(set(priorities)) != len(priorities) or any(
        p not in Criterion.values for p in priorities
    ):
        raise _fail("priorities", _("List each criterion at most once, from the allowed ones."))
    if not values.get("sites") and not values.get("rooms"):
        raise _fail("rooms", _("Choose the rooms or the whole sites the season covers."))


def season_create(
    *,
    by,
    name: str,
    first_date: dt.date,
    last_date: dt.date,
    applications_open: dt.datetime,
    applications_close: dt.datetime,
    sites: list[Site] = (),
    rooms: list[Room] = (),
    priorities: list[str] | None = None,
    tolerance_minutes: int = 60,
    previous: Season | None = None,
) -> Season:
    """A season in draft. ``previous`` (whose slots count as held last season) defaults to
    the latest published season that ended before this one begins."""
    require_officer(by)
    priorities = list(
        priorities if priorities is not None else Season._meta.get_field("priorities").default()
    )
    values = {
        "first_date": first_date,
        "last_date": last_date,
        "applications_open": applications_open,
        "applications_close": applications_close,
        "priorities": priorities,
        "sites": list(sites),
        "rooms": list(rooms),
    }
    _check_season_fields(values)
    if previous is None:
        previous = (
            Season.objects.filter(status=Season.Status.PUBLISHED, last_date__lt=first_date)
            .order_by("-last_date", "-pk")
            .first()
        )
    with transaction.atomic():
        season = Season(
            name=name.strip(),
            first_date=first_date,
            last_date=last_date,
            applications_open=applications_open,
            applications_close=applications_close,
            priorities=priorities,
            tolerance_minutes=tolerance_minutes,
            previous=previous,
            created_by=by,
        )
        season.full_clean()
        season.save()
        season.sites.set(sites)
        season.rooms.set(rooms)
    return season


def season_set_status(*, season: Season, by, status: str) -> Season:
    """Open a draft for applications, or close an open season (no more changes by
    applicants). Publishing is ``season_publish``."""
    require_officer(by)
    allowed = {
        Season.Status.OPEN: (Season.Status.DRAFT, Season.Status.CLOSED),
        Season.Status.CLOSED: (Season.Status.OPEN,),
    }
    if status not in allowed:
        raise _fail("status", _("A season can only be opened or closed here."))
    with transaction.atomic():
        updated = Season.objects.filter(pk=season.pk, status__in=allowed[status]).update(
            status=status
        )
        if not updated:
            raise _fail(
                "status",
                _("The season cannot go from %(old)s to %(new)s.")
                % {"old": season.get_status_display(), "new": status},
            )
    season.refresh_from_db()
    return season


def _check_wishes(season: Season, wishes: list[dict]) -> list[dict]:
    if not wishes:
        raise _fail("wishes", _("Add at least one wish."))
    if len(wishes) > MAX_WISHES:
        raise _fail("wishes", _("At most %(count)d wishes.") % {"count": MAX_WISHES})
    rooms = {room.pk: room for room in season_rooms(season)}
    sites = {room.site_id for room in rooms.values()}
    ranks = [w["rank"] for w in wishes]
    if sorted(ranks) != list(range(1, len(wishes) + 1)):
        raise _fail("wishes", _("Rank the wishes 1, 2, 3 … each number once."))
    checked = []
    for index, wish in enumerate(wishes):
        room, site = wish.get("room"), wish.get("site")
        where = f"wishes[{index}]"
        if room is not None:
            if room.pk not in rooms:
                raise _fail(f"{where}.room", _("This room is not part of the season."))
            site = room.site
        elif site is None or site.pk not in sites:
            raise _fail(f"{where}.site", _("Choose a room or a site of the season."))
        start, end = wish["start_time"], wish["end_time"]
        if start >= end:
            raise _fail(f"{where}.end_time", _("The end must be after the start."))
        if minutes(start) % 5 or minutes(end) % 5 or start.second or end.second:
            raise _fail(f"{where}.start_time", _("Use whole five minutes."))
        if not 0 <= wish["weekday"] <= 6:
            raise _fail(f"{where}.weekday", _("Choose a weekday."))
        if not 1 <= wish["attendees"] <= 100_000:
            raise _fail(f"{where}.attendees", _("Give the number of people, at least 1."))
        activity = (wish.get("activity") or "").strip()
        if not activity or len(activity) > 200:
            raise _fail(
                f"{where}.activity", _("Say what the activity is, in at most 200 characters.")
            )
        checked.append(wish | {"site": site, "room": room, "activity": activity})
    return checked


def application_save(
    *,
    season: Season,
    organisation: Organisation,
    by,
    contact_name: str,
    contact_email: str,
    wishes: list[dict],
    contact_phone: str = "",
    members_under_20: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Application:
    """Make or replace the organisation's application while the season takes them; the
    wishes are replaced as a whole. A changed number of members under 20 waits for an
    officer to check it again."""
    now = now or timezone.now()
    if organisation.pk not in roles.organisation_ids(by):
        raise _fail("organisation", _("You are not a member of this organisation."))
    if not roles.email_verified(by):
        raise PermissionDenied("confirm your email address first")
    checked = _check_wishes(season, wishes)
    contact_phone = phone_e164(contact_phone)
    with transaction.atomic():
        locked = Season.objects.select_for_update().get(pk=season.pk)
        if not locked.accepts_applications(now):
            raise _fail("season", _("This season does not take applications now."))
        application = (
            Application.objects.select_for_update()
            .filter(season=season, organisation=organisation)
            .first()
        )
        fields = {
            "contact_name": contact_name.strip(),
            "contact_email": contact_email.strip(),
            "contact_phone": contact_phone.strip(),
            "note": note.strip(),
            "members_under_20": members_under_20,
            "updated_at": now,
        }
        if application is None:
            application = Application(
                season=season,
                organisation=organisation,
                submitted_by=by,
                submitted_at=now,
                **fields,
            )
        else:
            if application.members_under_20 != members_under_20:
                application.members_checked_by = None
            for name, value in fields.items():
                setattr(application, name, value)
        application.full_clean(exclude=["season", "organisation", "submitted_by"])
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError as error:  # two members sent the first application at once
            raise _fail("organisation", _("The organisation has already applied.")) from error
        application.wishes.all().delete()
        Wish.objects.bulk_create(
            Wish(
                application=application,
                site=w["site"],
                room=w["room"],
                weekday=w["weekday"],
                start_time=w["start_time"],
                end_time=w["end_time"],
                attendees=w["attendees"],
                activity=w["activity"],
                children_and_youth=bool(w.get("children_and_youth")),
                rank=w["rank"],
            )
            for w in checked
        )
    return application


def application_check_members(*, application: Application, by, checked: bool = True):
    """An officer confirms (or withdraws) the number of members under 20, which only
    then counts as a priority."""
    require_officer(by)
    Application.objects.filter(pk=application.pk).update(members_checked_by=by if checked else None)
    application.refresh_from_db()
    return application


def proposal_run(*, season: Season, by) -> list[Allocation]:
    """Allocate every wish an officer has not decided, replacing the previous proposal."""
    require_officer(by)
    now = timezone.now()
    with transaction.atomic():
        season = Season.objects.select_for_update().get(pk=season.pk)
        if season.status not in (Season.Status.OPEN, Season.Status.CLOSED):
            raise _fail("status", _("Only an open or closed season can be allocated."))
        facts = season_facts(season)
        decisions = propose(facts)
        Allocation.objects.filter(
            wish__application__season=season, decided_by__isnull=True
        ).delete()
        allocations = Allocation.objects.bulk_create(
            Allocation(
                wish_id=d.wish_id,
                outcome=d.outcome,
                room_id=d.room_id,
                weekday=d.weekday,
                start_time=_time(d.start),
                end_time=_time(d.end),
                explanation=d.explanation,
                decided_at=now,
            )
            for d in decisions
        )
        Season.objects.filter(pk=season.pk).update(proposed_at=now)
    return allocations


def _time(value: int | None) -> dt.time | None:
    if value is None:
        return None
    return dt.time(0) if value >= 24 * 60 else dt.time(value // 60, value % 60)


def allocation_set(
    *,
    wish: Wish,
    by,
    outcome: str,
    note: str,
    room: Room | None = None,
    weekday: int | None = None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> Allocation:
    """An officer grants, moves or denies a wish by hand, with a reason. A grant or move
    must be to a free time (as the proposal sees it: open, big enough, not over another
    placed wish, an existing booking or a closure every week); it holds when the proposal
    is run again."""
    require_officer(by)
    note = (note or "").strip()
    if not note:
        raise _fail("note", _("Give a reason for the decision."))
    if len(note) > 1000:
        raise _fail("note", _("At most 1000 characters."))
    if outcome not in Allocation.Outcome.values:
        raise _fail("outcome", _("Choose granted, moved or denied."))
    with transaction.atomic():
        season = Season.objects.select_for_update().get(pk=wish.application.season_id)
        if season.status not in (Season.Status.OPEN, Season.Status.CLOSED):
            raise _fail("status", _("A published season's decisions cannot be changed."))
        values = {
            "outcome": Allocation.Outcome.DENIED,
            "room": None,
            "weekday": None,
            "start_time": None,
            "end_time": None,
        }
        if outcome != Allocation.Outcome.DENIED:
            values = _placed(season, wish, room, weekday, start_time, end_time)
        allocation, _created = Allocation.objects.update_or_create(
            wish=wish,
            defaults=values
            | {
                "explanation": {"code": "officer"},
                "note": note,
                "decided_by": by,
                "decided_at": timezone.now(),
            },
        )
    return allocation


def _placed(season, wish, room, weekday, start_time, end_time) -> dict:
    room = room or wish.room
    weekday = wish.weekday if weekday is None else weekday
    start_time = start_time or wish.start_time
    end_time = end_time or wish.end_time
    if room is None:
        raise _fail("room", _("Choose the room."))
    facts = season_facts(season, leave_out=[wish.pk])
    if room.pk not in facts.rooms:
        raise _fail("room", _("This room is not part of the season."))
    if not 0 <= weekday <= 6:
        raise _fail("weekday", _("Choose a weekday."))
    if start_time >= end_time:
        raise _fail("end_time", _("The end must be after the start."))
    board = Board(facts)
    for p in facts.fixed:
        board.place(p.room_id, p.weekday, p.start, p.end, p.organisation_name)
    for other in (
        Allocation.objects.filter(
            wish__application__season=season, decided_by__isnull=True, room__isnull=False
        )
        .exclude(pk=wish.pk)
        .select_related("wish__application__organisation")
    ):
        board.place(
            other.room_id,
            other.weekday,
            minutes(other.start_time),
            minutes(other.end_time),
            other.wish.application.organisation.name,
        )
    start, end = minutes(start_time), minutes(end_time)
    problem = board.blocked(facts.rooms[room.pk], weekday, start, end, wish.attendees)
    if problem is not None:
        raise _fail("start_time", blocked_text(problem, at=start))
    as_asked = (
        (wish.room_id is None or room.pk == wish.room_id)
        and room.site_id == wish.site_id
        and weekday == wish.weekday
        and (start_time, end_time) == (wish.start_time, wish.end_time)
    )
    return {
        "outcome": Allocation.Outcome.GRANTED if as_asked else Allocation.Outcome.MOVED,
        "room": room,
        "weekday": weekday,
        "start_time": start_time,
        "end_time": end_time,
    }
