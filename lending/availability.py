"""How many units of each type are free on each day: usable units minus promises.

A promise is an active reservation (pick-up to return date) or a unit out on loan (lent
date to due date; an overdue unit is promised at least until today, and a returned one
until its return date). Each promise also holds its units for the type's turnaround
days after, for drying and inspection. Three queries, whatever the number of types.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from booking.timeutil import OSLO, local_midnight
from lending.models import Item, ItemType, LoanLine, Reservation

MAX_TURNAROUND = 30  # the ItemType validator's limit
ONE_DAY = dt.timedelta(days=1)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(OSLO).date()


def free_by_day(
    item_types: Iterable[ItemType],
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    ignore_reservations: Iterable[int] = (),
) -> dict[int, dict[dt.date, int]]:
    """{item type id: {day: free units}} for every day from start to end (inclusive).

    ``ignore_reservations``: reservations a checkout is about to collect, whose units are
    the borrower's own.
    """
    types = {t.pk: t for t in item_types}
    period = days(start, end)
    usable = dict(
        Item.objects.filter(item_type__in=types)
        .exclude(status__in=[Item.Status.IN_REPAIR, Item.Status.RETIRED])
        .values_list("item_type")
        .annotate(n=Count("id"))
    )
    promised: dict[int, dict[dt.date, int]] = {pk: defaultdict(int) for pk in types}

    def promise(type_id: int, first: dt.date, last: dt.date, quantity: int) -> None:
        last += dt.timedelta(days=types[type_id].turnaround_days)
        counts = promised[type_id]
        day, last = max(first, start), min(last, end)
        while day <= last:
            counts[day] += quantity
            day += ONE_DAY

    earliest = start - dt.timedelta(days=MAX_TURNAROUND)
    reservations = (
        Reservation.objects.filter(
            item_type__in=types, status=Reservation.Status.ACTIVE, start__lte=end,
            end__gte=earliest,
        )
        .exclude(pk__in=list(ignore_reservations))
        .values_list("item_type", "start", "end", "quantity")
    )  # fmt: skip
    for type_id, first, last, quantity in reservations:
        promise(type_id, first, last, quantity)

    lines = LoanLine.objects.filter(
        # A unit back damaged or missing is not usable at all, so its turnaround is moot.
        Q(returned_at__isnull=True)
        | Q(returned_at__gte=local_midnight(earliest), condition=LoanLine.Condition.OK),
        item_type__in=types,
        loan__lent_at__lt=local_midnight(end + dt.timedelta(days=1)),
    ).values_list("item_type", "loan__lent_at", "loan__due", "returned_at")
    for type_id, lent_at, due, returned_at in lines:
        last = _local_date(returned_at) if returned_at else max(due, today)
        promise(type_id, _local_date(lent_at), last, 1)

    return {pk: {day: usable.get(pk, 0) - promised[pk][day] for day in period} for pk in types}


def catalogue_types(centre=None, category=None):
    """Active item types with their usable units, in catalogue order (one query)."""
    types = (
        ItemType.objects.filter(active=True)
        .select_related("centre")
        .annotate(units=Count("items", filter=~Q(items__status__in=["in_repair", "retired"])))
        .order_by("category", "name", "size", "id")  # Meta.ordering is dropped by GROUP BY
    )
    if centre:
        types = types.filter(centre=centre)
    if category:
        types = types.filter(category=category)
    return types


def with_free_days(types, *, start: dt.date, end: dt.date, today: dt.date) -> list[ItemType]:
    """Attach the free units of every day (``t.days``): three queries for all of them."""
    types = list(types)
    free = free_by_day(types, start, end, today=today)
    for t in types:
        t.days = [{"date": d, "free": max(n, 0)} for d, n in free[t.pk].items()]
    return types
