"""The allocation's reasons in words, in the active language: the proposal stores a code
with its values, so the officer reads them in theirs and the letter in the applicant's."""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seasons.allocator import clock
from seasons.models import Criterion


def duration(minutes: int) -> str:
    minutes = abs(minutes)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def blocked_text(blocked: dict, *, at: int | str) -> str:
    """Why a time could not be had."""
    time = at if isinstance(at, str) else clock(at)
    kind = blocked.get("kind")
    if kind == "wish":
        return _("%(time)s is held by %(organisation)s, with higher priority") % {
            "time": time,
            "organisation": blocked.get("organisation", ""),
        }
    if kind == "booking":
        day = dt.date.fromisoformat(blocked["date"])
        return _("%(time)s is already booked on %(date)s") % {
            "time": time,
            "date": date_format(day, "SHORT_DATE_FORMAT"),
        }
    if kind == "hours":
        return _("the room is not open at %(time)s") % {"time": time}
    if kind == "closed":
        return _("the room is closed at %(time)s every week of the season") % {"time": time}
    if kind == "holidays":
        return _("every such weekday in the season is a public holiday")
    if kind == "capacity":
        return _("the room holds at most %(count)d people") % {"count": blocked["capacity"]}
    if kind == "length":
        return _("the room cannot be booked for that long")
    if kind == "step":
        return _("times in the room go in steps of %(step)d minutes") % {"step": blocked["step"]}
    return _("no room of the season at that site")


def _criteria(explanation: dict) -> str:
    labels = dict(Criterion.choices)
    met = [str(labels[c]) for c in explanation.get("criteria", []) if c in labels]
    rank = explanation.get("rank")
    rank_text = _("rank %(rank)d") % {"rank": rank} if rank else ""
    return ", ".join([*met, rank_text] if rank_text else met)


def explain(explanation: dict, note: str = "") -> str:
    """One sentence: what the wish got and why."""
    code = explanation.get("code")
    if code == "officer":
        return _("Decided by the booking office: %(note)s") % {"note": note}
    if code == "granted":
        why = _criteria(explanation)
        return _("Granted: %(why)s.") % {"why": why} if why else _("Granted.")
    if code == "moved":
        shift = explanation.get("minutes", 0)
        room = explanation.get("room", "")
        if shift > 0:
            moved = _("Moved %(duration)s later") % {"duration": duration(shift)}
        elif shift < 0:
            moved = _("Moved %(duration)s earlier") % {"duration": duration(shift)}
        else:
            moved = _("Moved")
        if room:
            moved = _("%(moved)s, to %(room)s") % {"moved": moved, "room": room}
        blocked = explanation.get("blocked") or {}
        if blocked:
            return f"{moved}: {blocked_text(blocked, at=explanation.get('asked', ''))}."
        return f"{moved}."
    if code == "denied":
        reason = blocked_text(explanation.get("blocked") or {}, at=explanation.get("asked", ""))
        denied = _("Denied: no free time within %(tolerance)s at the site; %(reason)s.")
        return denied % {
            "tolerance": duration(explanation.get("tolerance", 0)),
            "reason": reason,
        }
    return ""
