"""Europe/Oslo wall-clock time, read strictly: no guessing in the DST gap or overlap."""

import datetime as dt
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
UTC = dt.UTC


class NonExistentTimeError(ValueError):
    """The local time falls in the spring-forward gap."""


class AmbiguousTimeError(ValueError):
    """The local time occurs twice in the autumn fall-back hour."""


def localize(naive: dt.datetime) -> dt.datetime:
    """Read a naive datetime as Europe/Oslo time, refusing times that do not exist or repeat."""
    first = naive.replace(tzinfo=OSLO, fold=0)
    second = naive.replace(tzinfo=OSLO, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None) != naive:
        raise NonExistentTimeError(naive)
    raise AmbiguousTimeError(naive)


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a local day begins (midnight is never inside a DST change in Norway)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=OSLO).astimezone(UTC)


def instant(day: dt.date, at: dt.time) -> dt.datetime:
    """The UTC instant of a local date and wall-clock time; refuses the DST gap and overlap."""
    return localize(dt.datetime.combine(day, at)).astimezone(UTC)


def wall_time(day: dt.date, at: dt.time) -> dt.datetime:
    """The instant a wall-clock time occurs on a day; in the gap, the first valid instant."""
    naive = dt.datetime.combine(day, at)
    try:
        return localize(naive).astimezone(UTC)
    except NonExistentTimeError:
        return naive.replace(tzinfo=OSLO, fold=1).astimezone(UTC)
    except AmbiguousTimeError:
        return naive.replace(tzinfo=OSLO, fold=0).astimezone(UTC)


def to_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(OSLO)
