"""What a booking costs and why: the first price rule that matches each part of it.

Money is Decimal kroner, rounded to øre, never float. A booking is cut into segments
where a rule could start or stop applying (local midnight, a rule's time window, the
end of a fair-use cap), and each segment is priced by the first rule that matches it.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

from booking.models import Booking, Organisation, PriceRule, Room
from booking.timeutil import UTC, to_local, wall_time

ORE = Decimal("0.01")
HUNDRED = Decimal(100)
SECONDS_PER_HOUR = Decimal(3600)
# The reasons a price is given with: (bokmål, English, nynorsk), like PriceRule's.
FULL_PRICE_REASON = (
    "Full leiepris for rommet.",
    "The room's full rent.",
    "Full leigepris for rommet.",
)
CAP_REASON = (
    "Grensen på %(hours)s gratis timer per uke på dette stedet er nådd; timene over "
    "grensen prises etter neste regel.",
    "The limit of %(hours)s free hours a week at this site is reached; the hours beyond "
    "it are priced by the next rule.",
    "Grensa på %(hours)s gratis timar i veka på denne staden er nådd; timane over "
    "grensa blir prisa etter neste regel.",
)


def in_language(texts: dict, language: str | None = None) -> str:
    """One of a reason's texts ({"nb", "en", "nn"}) in the language given or active:
    nynorsk falls back to bokmål where a rule has no nynorsk text."""
    language = language or get_language() or "nb"
    if language.startswith("en"):
        return texts["en"]
    if language.startswith("nn"):
        return texts.get("nn") or texts["nb"]
    return texts["nb"]


def money(value: Decimal) -> Decimal:
    return value.quantize(ORE, rounding=ROUND_HALF_UP)


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Real elapsed hours (a DST night lasts 23 or 25 hours), exact to the second.

    Both ends go to UTC first: Python subtracts two datetimes that share a tzinfo as
    wall-clock times, which would make 01:00–04:00 on the spring-forward night 3 hours.
    """
    return Decimal(int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())) / (
        SECONDS_PER_HOUR
    )


@dataclass(frozen=True)
class PriceLine:
    start: dt.datetime
    end: dt.datetime
    rule: PriceRule | None
    full: Decimal
    price: Decimal
    reason_nb: str
    reason_en: str
    reason_nn: str = ""

    @property
    def waived(self) -> Decimal:
        return self.full - self.price

    @property
    def reason(self) -> str:
        return in_language({"nb": self.reason_nb, "en": self.reason_en, "nn": self.reason_nn})

    def as_json(self) -> dict:
        """The line as stored in Booking.price_lines (money as exact decimal strings)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "rule": self.rule.pk if self.rule else None,
            "rule_name": self.rule.name if self.rule else "",
            "full": str(self.full),
            "price": str(self.price),
            "reason_nb": self.reason_nb,
            "reason_en": self.reason_en,
            "reason_nn": self.reason_nn,
        }


@dataclass(frozen=True)
class Quote:
    lines: tuple[PriceLine, ...]
    full_price: Decimal = field(init=False)
    price: Decimal = field(init=False)
    waived: Decimal = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "full_price", sum((x.full for x in self.lines), Decimal(0)))
        object.__setattr__(self, "price", sum((x.price for x in self.lines), Decimal(0)))
        object.__setattr__(self, "waived", self.full_price - self.price)

    @property
    def rule(self) -> PriceRule | None:
        """The rule that decided the first part of the booking."""
        return self.lines[0].rule if self.lines else None

    def snapshot(self) -> dict:
        """The fields a booking stores so that its price never changes behind its back."""
        rule = self.rule
        return {
            "full_price": self.full_price,
            "price": self.price,
            "waived": self.waived,
            "price_rule": rule,
            "price_rule_name": rule.name if rule else "",
            "price_reasons": [
                {"nb": nb, "en": en, "nn": nn}
                for nb, en, nn in dict.fromkeys(
                    (x.reason_nb, x.reason_en, x.reason_nn) for x in self.lines
                )
            ],
            "price_lines": [line.as_json() for line in self.lines],
        }

    def reasons(self, language: str | None = None) -> list[str]:
        seen: list[str] = []
        for line in self.lines:
            texts = {"nb": line.reason_nb, "en": line.reason_en, "nn": line.reason_nn}
            text = in_language(texts, language)
            if text not in seen:
                seen.append(text)
        return seen


def booker_kind(organisation: Organisation | None, rule: PriceRule | None = None) -> str:
    """Who books, as ``rule`` sees it: ``private`` without an organisation, else its category.

    A rule that lowers the price counts a category it names only once an officer has
    verified the organisation's claim to it; until then that rule sees the organisation
    as ``other``. Rules that charge the full rent see the claim (so one can say "awaiting
    verification"), and a category the rule does not name is taken as claimed.
    """
    if organisation is None:
        return PriceRule.PRIVATE
    if (
        rule is not None
        and organisation.category in rule.booker_kinds
        and not organisation.category_verified
        and rule.lowers_price
    ):
        return Organisation.Category.OTHER
    return organisation.category


def _matches(rule: PriceRule, *, room: Room, organisation, children_and_youth, start, end) -> bool:
    """Does the rule apply to the whole segment [start, end)? Segments never straddle a
    local midnight or a rule's window edge, so the start decides the window."""
    if rule.booker_kinds and booker_kind(organisation, rule) not in rule.booker_kinds:
        return False
    if rule.voluntary_verified is not None and (
        organisation is None or organisation.category_verified != rule.voluntary_verified
    ):
        return False
    if rule.site_kinds and room.site.kind not in rule.site_kinds:
        return False
    if rule.room_id is not None and rule.room_id != room.pk:
        return False
    if rule.children_and_youth is not None and rule.children_and_youth != children_and_youth:
        return False
    local = to_local(start)
    if rule.valid_from and local.date() < rule.valid_from:
        return False
    if rule.valid_until and local.date() > rule.valid_until:
        return False
    if rule.weekdays and local.weekday() not in rule.weekdays:
        return False
    if rule.time_from is not None or rule.time_to is not None:
        window_start, window_end = _window(rule, local.date())
        if not (window_start <= start and end <= window_end):
            return False
    return True


def _window(rule: PriceRule, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = wall_time(day, rule.time_from or dt.time(0))
    if rule.time_to is None or rule.time_to == dt.time(0):
        end = wall_time(day + dt.timedelta(days=1), dt.time(0))
    else:
        end = wall_time(day, rule.time_to)
    return start, end


def _cut_points(rules, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    points = {start, end}
    day = to_local(start).date()
    while True:
        midnight = wall_time(day + dt.timedelta(days=1), dt.time(0))
        for rule in rules:
            if rule.time_from is not None or rule.time_to is not None:
                points.update(_window(rule, day))
        if midnight >= end:
            break
        points.add(midnight)
        day += dt.timedelta(days=1)
    return sorted(p for p in points if start <= p <= end)


def _week_start(moment: dt.datetime) -> dt.date:
    day = to_local(moment).date()
    return day - dt.timedelta(days=day.weekday())


class CapLedger:
    """Free hours used under capped rules, per rule and local week, for one organisation
    at one site: what other bookings used, plus what this quote (or the earlier
    occurrences of a series sharing the ledger) used so far."""

    def __init__(self, *, organisation, room: Room, exclude_booking_id):
        self.organisation = organisation
        self.room = room
        self.exclude = exclude_booking_id
        self.used: dict[tuple[int, dt.date], Decimal] = {}

    def used_hours(self, rule: PriceRule, week: dt.date) -> Decimal:
        key = (rule.pk, week)
        if key not in self.used:
            week_start = wall_time(week, dt.time(0))
            week_end = wall_time(week + dt.timedelta(days=7), dt.time(0))
            bookings = Booking.objects.filter(
                organisation=self.organisation,
                room__site_id=self.room.site_id,
                status__in=Booking.ACTIVE_STATUSES,
                start__lt=week_end,
                end__gt=week_start,
            )
            if self.exclude is not None:
                bookings = bookings.exclude(pk=self.exclude)
            seconds = 0
            for lines in bookings.values_list("price_lines", flat=True):
                for line in lines:
                    start = dt.datetime.fromisoformat(line["start"])
                    if line["rule"] == rule.pk and week_start <= start < week_end:
                        end = dt.datetime.fromisoformat(line["end"])
                        seconds += int((end - start).total_seconds())
            self.used[key] = Decimal(seconds) / SECONDS_PER_HOUR
        return self.used[key]

    def add(self, rule: PriceRule, week: dt.date, hours: Decimal) -> None:
        self.used[(rule.pk, week)] = self.used_hours(rule, week) + hours


def _price_of(rule: PriceRule | None, full: Decimal, hours: Decimal) -> Decimal:
    if rule is None:
        return full
    if rule.effect == PriceRule.Effect.PERCENT_OFF:
        return money(full * (HUNDRED - rule.percent_off) / HUNDRED)
    return min(money(rule.hourly_price * hours), full)


def _line(room, rule, start, end, extra_reason=None) -> PriceLine:
    hours = hours_between(start, end)
    full = money(room.hourly_price * hours)
    nb, en, nn = (rule.reason_nb, rule.reason_en, rule.reason_nn) if rule else FULL_PRICE_REASON
    nn = nn or nb
    if extra_reason:
        nb, en, nn = (
            f"{extra} {text}" for extra, text in zip(extra_reason, (nb, en, nn), strict=True)
        )
    return PriceLine(start, end, rule, full, _price_of(rule, full, hours), nb, en, nn)


def active_price_rules() -> list[PriceRule]:
    """The active rules in the order they are tried: the first that matches decides."""
    return list(PriceRule.objects.filter(active=True).order_by("order", "pk"))


def quote_price(
    *,
    room: Room,
    organisation: Organisation | None,
    start: dt.datetime,
    end: dt.datetime,
    children_and_youth: bool = False,
    exclude_booking_id: int | None = None,
    rules: list[PriceRule] | None = None,
    ledger: "CapLedger | None" = None,
) -> Quote:
    """Price a booking. Saves nothing; booking creation stores exactly this as a snapshot."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if rules is None:
        rules = active_price_rules()
    if ledger is None:
        ledger = CapLedger(
            organisation=organisation, room=room, exclude_booking_id=exclude_booking_id
        )
    points = _cut_points(rules, start, end)
    lines: list[PriceLine] = []
    for seg_start, seg_end in itertools.pairwise(points):
        if seg_start < seg_end:
            lines.extend(
                _price_segment(
                    rules,
                    0,
                    room,
                    organisation,
                    children_and_youth,
                    seg_start,
                    seg_end,
                    ledger,
                    None,
                )
            )
    return Quote(tuple(lines))


def _price_segment(rules, first, room, organisation, cy, start, end, ledger, extra):
    for index in range(first, len(rules)):
        rule = rules[index]
        if not _matches(
            rule, room=room, organisation=organisation, children_and_youth=cy, start=start, end=end
        ):
            continue
        if rule.free_hours_per_week is None:
            return [_line(room, rule, start, end, extra)]
        cap_reason = tuple(text % {"hours": rule.free_hours_per_week} for text in CAP_REASON)
        if organisation is None:
            continue  # a fair-use cap counts an organisation's hours; private bookers skip it
        week = _week_start(start)
        left = Decimal(rule.free_hours_per_week) - ledger.used_hours(rule, week)
        hours = hours_between(start, end)
        if left <= 0:
            return _price_segment(
                rules, index + 1, room, organisation, cy, start, end, ledger, cap_reason
            )
        if left >= hours:
            ledger.add(rule, week, hours)
            return [_line(room, rule, start, end, extra)]
        split = start + dt.timedelta(seconds=int(left * SECONDS_PER_HOUR))
        ledger.add(rule, week, left)
        rest = _price_segment(
            rules, index + 1, room, organisation, cy, split, end, ledger, cap_reason
        )
        return [_line(room, rule, start, split, extra), *rest]
    return [_line(room, None, start, end, extra)]
