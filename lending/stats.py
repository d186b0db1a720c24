"""What the lending centre did: loans per type per month, borrowers per month, favourites."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth

from booking.timeutil import OSLO, local_midnight
from config.csvexport import spreadsheet_csv
from lending.models import Loan, LoanLine


def lending_stats(year: int, centre_id: int | None = None) -> dict:
    """Three queries. Months are Europe/Oslo months; a unit lent counts as one loan."""
    span = (local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1)))
    lines = LoanLine.objects.filter(loan__lent_at__gte=span[0], loan__lent_at__lt=span[1])
    loans = Loan.objects.filter(lent_at__gte=span[0], lent_at__lt=span[1])
    if centre_id:
        lines, loans = lines.filter(loan__centre_id=centre_id), loans.filter(centre_id=centre_id)
    per_type = (
        lines.annotate(month=TruncMonth("loan__lent_at", tzinfo=OSLO))
        .values("month", "item_type", "item_type__name", "item_type__size")
        .annotate(n=Count("id"))
        .order_by("item_type__name", "item_type__size", "month")
    )
    table: dict[int, dict] = {}
    for row in per_type:
        entry = table.setdefault(
            row["item_type"],
            {"item_type": row["item_type"],
             "name": f"{row['item_type__name']} {row['item_type__size']}".strip(),
             "months": defaultdict(int)},
        )  # fmt: skip
        entry["months"][row["month"].astimezone(OSLO).month] += row["n"]
    borrowers = dict(
        (row["month"].astimezone(OSLO).month, row["n"])
        for row in loans.annotate(month=TruncMonth("lent_at", tzinfo=OSLO))
        .values("month")
        .annotate(n=Count("borrower", distinct=True))
        .values("month", "n")
    )
    favourites = list(
        lines.values("item_type", "item_type__name", "item_type__size")
        .annotate(n=Count("id"))
        .order_by("-n", "item_type__name")[:10]
    )
    return {
        "year": year,
        "item_types": [
            {**e, "months": [e["months"].get(m, 0) for m in range(1, 13)],
             "total": sum(e["months"].values())}
            for e in table.values()
        ],
        "borrowers_per_month": [borrowers.get(m, 0) for m in range(1, 13)],
        "most_lent": [
            {"item_type": f["item_type"],
             "name": f"{f['item_type__name']} {f['item_type__size']}".strip(), "loans": f["n"]}
            for f in favourites
        ],
    }  # fmt: skip


def lending_stats_csv(stats: dict) -> str:
    """The year's loans per type and month as a spreadsheet (config.csvexport)."""
    return spreadsheet_csv([
        ["Utstyr", *[f"{m:02d}.{stats['year']}" for m in range(1, 13)], "Totalt"],
        *([row["name"], *row["months"], row["total"]] for row in stats["item_types"]),
        ["Ulike lånere", *stats["borrowers_per_month"], ""],
    ])  # fmt: skip
