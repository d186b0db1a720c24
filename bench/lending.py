"""The lending centre: a 10-unit checkout over the API, and the catalogue for 500 types.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale .venv/bin/python bench/lending.py

Runs after bench/run.py on its database (`lokale_bench`), in-process with Django's test
client: the time is the server's (URL routing, middleware, authentication, queries,
serialisation), without network. Adds a centre with 500 item types of 10 units each,
1,000 reservations and 500 units out, measures, and removes it all again.
"""

import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import load
import report
import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OSLO = ZoneInfo("Europe/Oslo")
TYPES, UNITS, RESERVATIONS, OUT = 500, 10, 1000, 500
CHECKOUTS, CATALOGUE_GETS = 100, 50
BUDGET_CHECKOUT_MS, BUDGET_CATALOGUE_MS, BUDGET_QUERIES = 100, 150, 10


def main() -> int:
    run.setup_django_serving_static()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from rest_framework.test import APIClient

    from booking.models import Site
    from lending.models import Borrower, Item, ItemType, Loan, LoanLine, Reservation

    rng = random.Random(7)
    now = timezone.now()
    today = now.astimezone(OSLO).date()
    centre = Site.objects.create(name="Bench: utlånssentral", kind=Site.Kind.LENDING_CENTRE)
    staff = get_user_model().objects.create(username="bench-counter")
    staff.groups.add(Group.objects.get_or_create(name="counter")[0])
    types = ItemType.objects.bulk_create(
        ItemType(centre=centre, name=f"Utstyr {n:03d}", category="sports", max_per_borrower=10,
                 max_loan_days=30, turnaround_days=n % 3)
        for n in range(TYPES)
    )  # fmt: skip
    Item.objects.bulk_create(
        Item(item_type=t, barcode=f"B{t.pk}-{u}") for t in types for u in range(UNITS)
    )
    borrowers = Borrower.objects.bulk_create(
        Borrower(name=f"Låner {n}", phone=f"+47999{n:05d}", consent_at=now, last_activity_at=now)
        for n in range(RESERVATIONS + CHECKOUTS + OUT)
    )
    Reservation.objects.bulk_create(
        Reservation(borrower=borrowers[n], item_type=rng.choice(types), quantity=1,
                    start=today + dt.timedelta(days=rng.randint(0, 10)),
                    end=today + dt.timedelta(days=rng.randint(11, 14)))
        for n in range(RESERVATIONS)
    )  # fmt: skip
    # Units out: the last unit of the first OUT types, to the last OUT borrowers.
    for n in range(OUT):
        loan = Loan.objects.create(borrower=borrowers[-1 - n], centre=centre, lent_by=staff,
                                   lent_at=now, due=today + dt.timedelta(days=7))  # fmt: skip
        item = Item.objects.get(barcode=f"B{types[n].pk}-{UNITS - 1}")
        LoanLine.objects.create(loan=loan, item=item, item_type=types[n])
    # Keep ids, not model instances: the bench's own objects are no part of a web worker.
    type_pks = [t.pk for t in types]
    borrower_pks = [b.pk for b in borrowers]
    del types, borrowers
    gc.collect()
    gc.freeze()  # as config/gunicorn.py does in every web worker once the app is loaded
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(staff)
    try:
        path = f"/api/v1/lending/item-types/?centre={centre.pk}&from={today}" \
               f"&to={today + dt.timedelta(days=13)}"  # fmt: skip
        with run.counting_queries() as queries:
            response = client.get(path)
        assert response.status_code == 200, response.content[:500]
        assert len(response.json()) == TYPES and len(response.json()[0]["days"]) == 14
        catalogue_queries = len(queries)
        catalogue = run.timed_gets(client, path, CATALOGUE_GETS)

        page_path = f"/lending/?centre={centre.pk}"
        with run.counting_queries() as queries:
            page = client.get(page_path)
        assert page.status_code == 200 and page.content.count(b'class="card item-type"') == 48
        page_queries = len(queries)
        pages = run.timed_gets(client, page_path, CATALOGUE_GETS)

        checkout, checkout_queries = [], []
        for n in range(CHECKOUTS):
            # Ten units of ten different types: the first unit of types n*5 … (a fresh set).
            codes = [f"B{type_pks[(n * 10 + k) % TYPES]}-{n // 50}" for k in range(10)]
            body = {"borrower": borrower_pks[RESERVATIONS + n], "barcodes": codes}
            began = time.perf_counter()
            with run.counting_queries() as queries:
                response = client.post("/api/v1/lending/loans/", body, format="json")
            checkout.append((time.perf_counter() - began) * 1000)
            checkout_queries.append(len(queries))
            assert response.status_code == 201, response.content[:500]
    finally:
        LoanLine.objects.filter(loan__centre=centre).delete()
        Loan.objects.filter(centre=centre).delete()
        Reservation.objects.filter(item_type__centre=centre).delete()
        Borrower.objects.filter(pk__in=borrower_pks).delete()
        Item.objects.filter(item_type__centre=centre).delete()
        ItemType.objects.filter(centre=centre).delete()
        staff.delete()
        centre.delete()

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    cat_p50, cat_p95 = statistics.median(catalogue), load.percentile(catalogue, 95)
    out_p50, out_p95 = statistics.median(checkout), load.percentile(checkout, 95)
    page_p50, page_p95 = statistics.median(pages), load.percentile(pages, 95)
    text = (
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC} by `make bench` "
        f"(bench/lending.py), in-process, DEBUG off, {os.cpu_count()} cores; {TYPES} item "
        f"types × {UNITS} units, {RESERVATIONS} reservations, {OUT} units out.\n\n"
        "| measure | figure | budget | met |\n| --- | ---: | --- | --- |\n"
        f"| catalogue API, {TYPES} types × 14 days, {CATALOGUE_GETS} GETs, p50 / p95 ms "
        f"| {cat_p50:.1f} / {cat_p95:.1f} | ≤ {BUDGET_CATALOGUE_MS} ms | "
        f"{met(cat_p95 <= BUDGET_CATALOGUE_MS)} |\n"
        f"| SQL queries for the catalogue | {catalogue_queries} | ≤ {BUDGET_QUERIES} | "
        f"{met(catalogue_queries <= BUDGET_QUERIES)} |\n"
        f"| catalogue web page (48 of the {TYPES} types a page), {CATALOGUE_GETS} renders, "
        "p50 / p95 ms "
        f"| {page_p50:.1f} / {page_p95:.1f} "
        f"| ≤ {BUDGET_CATALOGUE_MS} ms | {met(page_p95 <= BUDGET_CATALOGUE_MS)} |\n"
        f"| SQL queries for the page | {page_queries} | ≤ {BUDGET_QUERIES} | "
        f"{met(page_queries <= BUDGET_QUERIES)} |\n"
        f"| checkout of 10 units over the API, {CHECKOUTS} loans, p50 / p95 ms "
        f"| {out_p50:.1f} / {out_p95:.1f} | ≤ {BUDGET_CHECKOUT_MS} ms | "
        f"{met(out_p95 <= BUDGET_CHECKOUT_MS)} |\n"
        f"| SQL queries for one checkout | {min(checkout_queries)}–{max(checkout_queries)} "
        "| | |"
    )
    print(text)
    if "--no-write" not in sys.argv:
        report.write_generated_section("lending.py", "The lending centre", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
