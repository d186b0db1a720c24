"""Property-based tests of the pricing function over random rules and bookings."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from booking import services
from booking.models import Organisation, PriceRule, Room, Site
from booking.pricing import quote_price
from booking.timeutil import OSLO, UTC
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, UserFactory

money = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
hours = st.integers(min_value=0, max_value=23)
booker_kinds = st.lists(
    st.sampled_from([k for k, _label in PriceRule.BOOKER_KINDS]), unique=True, max_size=3
)
site_kinds = st.lists(st.sampled_from(Site.Kind.values), unique=True, max_size=3)


@st.composite
def windows(draw):
    if draw(st.booleans()):
        return None, None
    start = draw(hours)
    end = draw(st.integers(min_value=start + 1, max_value=24))
    return dt.time(start), dt.time(0) if end == 24 else dt.time(end)


@st.composite
def rules(draw, with_caps=False):
    rule = PriceRule(
        order=draw(st.integers(0, 50)),
        name=draw(st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)),
        booker_kinds=draw(booker_kinds),
        voluntary_verified=draw(st.sampled_from([None, True, False])),
        site_kinds=draw(site_kinds),
        weekdays=draw(st.lists(st.integers(0, 6), unique=True, max_size=4)),
        children_and_youth=draw(st.sampled_from([None, True, False])),
        free_hours_per_week=draw(st.one_of(st.none(), st.integers(0, 6))) if with_caps else None,
        effect=draw(st.sampled_from(PriceRule.Effect.values)),
        percent_off=draw(percent),
        hourly_price=draw(money),
        reason_nb="grunn",
        reason_en="reason",
    )
    rule.time_from, rule.time_to = draw(windows())
    return rule


bookings = st.fixed_dictionaries(
    {
        # 2027 holds both DST changes.
        "day": st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2027, 12, 30)),
        "hour": hours,
        "minute": st.sampled_from([0, 15, 30, 45]),
        "minutes": st.integers(min_value=15, max_value=30 * 60),
        "category": st.sampled_from([*Organisation.Category.values, None]),
        "verified": st.booleans(),
        "children": st.booleans(),
        "site_kind": st.sampled_from(Site.Kind.values),
        "hourly": money,
    }
)


def start_of(b) -> dt.datetime:
    naive = dt.datetime.combine(b["day"], dt.time(b["hour"], b["minute"]))
    return naive.replace(tzinfo=OSLO, fold=0).astimezone(UTC)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_list=st.lists(rules(), max_size=5), b=bookings)
def test_price_and_waived_add_up_and_lines_cover_the_booking(rule_list, b):
    for pk, rule in enumerate(rule_list, start=1):
        rule.pk = pk
    rule_list.sort(key=lambda r: (r.order, r.pk))
    site = Site(pk=1, name="Skole", kind=b["site_kind"])
    room = Room(pk=1, site=site, name="Rom", capacity=10, hourly_price=b["hourly"])
    organisation = (
        Organisation(pk=1, name="Lag", category=b["category"], voluntary_verified=b["verified"])
        if b["category"]
        else None
    )
    start = start_of(b)
    end = start + dt.timedelta(minutes=b["minutes"])
    quote = quote_price(
        room=room,
        organisation=organisation,
        start=start,
        end=end,
        children_and_youth=b["children"],
        rules=rule_list,
    )
    assert quote.price + quote.waived == quote.full_price
    assert Decimal(0) <= quote.price <= quote.full_price
    assert quote.price == sum((line.price for line in quote.lines), Decimal(0))
    assert quote.full_price == sum((line.full for line in quote.lines), Decimal(0))
    for line in quote.lines:
        assert Decimal(0) <= line.price <= line.full
        assert line.start < line.end
    assert quote.lines[0].start == start and quote.lines[-1].end == end
    for before, after in zip(quote.lines, quote.lines[1:], strict=False):
        assert before.end == after.start
    assert all(isinstance(x, Decimal) for x in (quote.price, quote.full_price, quote.waived))


@st.composite
def day_bookings(draw):
    """A booking a room open around the clock accepts: one local day, 15-minute steps."""
    b = draw(bookings)
    first = b["hour"] * 60 + b["minute"]
    b["minutes"] = 15 * draw(st.integers(min_value=1, max_value=(24 * 60 - first) // 15))
    return b


def fits_one_day(start: dt.datetime, end: dt.datetime) -> bool:
    local_start, local_end = start.astimezone(OSLO), end.astimezone(OSLO)
    return local_end.date() == local_start.date() or local_end.time() == dt.time(0)


class QuoteEqualsSnapshot(TestCase):
    """The quote a member sees is what the booking made right after it stores."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        rule_list=st.lists(rules(with_caps=True), max_size=4),
        b=day_bookings(),
        earlier_quarters=st.integers(min_value=0, max_value=16),
    )
    def test_quote_equals_snapshot(self, rule_list, b, earlier_quarters):
        start = start_of(b)
        end = start + dt.timedelta(minutes=b["minutes"])
        assume(fits_one_day(start, end))
        PriceRule.objects.all().delete()
        for rule in rule_list:
            rule.save()
        user = UserFactory(username="medlem")
        organisation = (
            OrganisationFactory(category=b["category"], voluntary_verified=b["verified"])
            if b["category"]
            else None
        )
        if organisation:
            MembershipFactory(user=user, organisation=organisation)
        room = RoomFactory(
            site__kind=b["site_kind"],
            hourly_price=b["hourly"],
            slot_step_minutes=15,
            min_booking_minutes=15,
            max_booking_minutes=30 * 60,
            booking_horizon_days=800,
            min_notice_minutes=0,
        )
        now = dt.datetime(2026, 12, 1, tzinfo=UTC)
        earlier_start = start - dt.timedelta(days=1)
        earlier_end = earlier_start + dt.timedelta(minutes=15 * earlier_quarters)
        if earlier_quarters and fits_one_day(earlier_start, earlier_end):
            # An earlier booking, often the same week, uses up part of any cap.
            services.booking_create(
                room=room, organisation=organisation, by=user, start=earlier_start,
                end=earlier_end, title="Før", attendees=1, children_and_youth=b["children"],
                now=now, payer_name="Per", payer_address="Lia 4",
            )  # fmt: skip
        quote = quote_price(
            room=room, organisation=organisation, start=start, end=end,
            children_and_youth=b["children"],
        )  # fmt: skip
        booking = services.booking_create(
            room=room, organisation=organisation, by=user, start=start, end=end,
            title="Nå", attendees=1, children_and_youth=b["children"], now=now,
            payer_name="Per", payer_address="Lia 4",
        )  # fmt: skip
        booking.refresh_from_db()
        assert (booking.full_price, booking.price, booking.waived) == (
            quote.full_price,
            quote.price,
            quote.waived,
        )
        assert booking.price_lines == [line.as_json() for line in quote.lines]
        assert [r["en"] for r in booking.price_reasons] == quote.reasons("en")
