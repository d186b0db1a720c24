"""What each kind of booker pays for a room, before anyone signs in.

Every figure is a quote from ``booking.pricing.quote_price`` (the code that prices real
bookings) for a hypothetical booker of that kind, over one representative hour: the next
Tuesday 18:00–19:00 local time, a typical evening for clubs and associations. Rules that
apply only on some weekdays, at some hours or between some dates may price other times
differently; ``varies_by_time`` says whether the room has any such rule. Commercial and
other organisations are quoted with their category verified (a rule that lowers their
price counts only a verified category); voluntary organisations both ways.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Organisation, PriceRule, Room
from booking.pricing import CapLedger, Quote, active_price_rules, quote_price
from booking.timeutil import to_local, wall_time

TYPICAL_WEEKDAY = 1  # Tuesday
TYPICAL_HOUR = dt.time(18)

Category = Organisation.Category
# (key, label, category or None for a private person, category verified)
KINDS = [
    ("voluntary_verified", _("Voluntary organisation, verified"), Category.VOLUNTARY, True),
    ("voluntary_unverified", _("Voluntary organisation, not yet verified"),
     Category.VOLUNTARY, False),
    ("municipal", _("Municipal unit"), Category.MUNICIPAL, True),
    ("commercial", _("Commercial"), Category.COMMERCIAL, True),
    ("other", _("Other organisation"), Category.OTHER, True),
    ("private", _("Private person"), None, False),
]  # fmt: skip


class FreshLedger(CapLedger):
    """A fair-use cap's ledger for a booker who has used none of their free hours this
    week (the hypothetical booker has no bookings to count, and no row to look them up by)."""

    def used_hours(self, rule: PriceRule, week: dt.date):
        return self.used.get((rule.pk, week), Decimal(0))


@dataclass(frozen=True)
class PriceListEntry:
    kind: str
    label: str
    children_and_youth: bool
    quote: Quote


@dataclass(frozen=True)
class PriceList:
    room: Room
    start: dt.datetime
    end: dt.datetime
    entries: list[PriceListEntry]
    varies_by_time: bool


def typical_hour(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The next Tuesday 18:00–19:00 local time (today's, if it is Tuesday before 18:00)."""
    now = now or timezone.now()
    day = to_local(now).date()
    day += dt.timedelta(days=(TYPICAL_WEEKDAY - day.weekday()) % 7)
    start = wall_time(day, TYPICAL_HOUR)
    if start <= now:
        start = wall_time(day + dt.timedelta(weeks=1), TYPICAL_HOUR)
    return start, start + dt.timedelta(hours=1)


def _applies_to_room(rule: PriceRule, room: Room) -> bool:
    return (rule.room_id is None or rule.room_id == room.pk) and (
        not rule.site_kinds or room.site.kind in rule.site_kinds
    )


def room_price_list(*, room: Room, now: dt.datetime | None = None) -> PriceList:
    """Each kind of booker's price for one typical hour in the room, with the reasons,
    and a line for children-and-youth activities wherever a rule makes that cheaper.
    One query (the price rules); ``room.site`` should be loaded."""
    start, end = typical_hour(now)
    rules = active_price_rules()
    entries = []
    for key, label, category, verified in KINDS:
        organisation = None
        if category is not None:
            organisation = Organisation(
                category=category, verified_category=category if verified else ""
            )
        quotes = {}
        for children in (False, True):
            quotes[children] = quote_price(
                room=room, organisation=organisation, start=start, end=end,
                children_and_youth=children, rules=rules,
                ledger=FreshLedger(organisation=organisation, room=room, exclude_booking_id=None),
            )  # fmt: skip
        entries.append(PriceListEntry(key, str(label), False, quotes[False]))
        if quotes[True].price != quotes[False].price:
            entries.append(PriceListEntry(key, str(label), True, quotes[True]))
    varies = any(
        _applies_to_room(rule, room)
        and (rule.weekdays or rule.time_from or rule.time_to or rule.valid_from or rule.valid_until)
        for rule in rules
    )
    return PriceList(room, start, end, entries, varies)
