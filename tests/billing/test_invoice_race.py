"""Two officers make an invoice batch at the same moment: no booking is invoiced twice.

Two threads with their own PostgreSQL connections start together at a barrier. With
the batch lock, one waits for the other and finds nothing left to invoice. Without the
lock both read the same bookings as due; the partial unique index (one open debit per
booking) refuses the second writer, who is told to try again. Without the index too,
the same scene invoices every booking twice — so the test can tell.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from billing import invoicing
from billing.models import InvoiceBatch, InvoiceLine
from booking.models import Organisation
from tests.conftest import next_weekday_at
from tests.factories import BookingFactory, OrganisationFactory, RoomFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BOOKINGS = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race is between PostgreSQL connections")


@pytest.fixture
def owed(people):
    firm = OrganisationFactory(category=Organisation.Category.COMMERCIAL, name="Firma AS")
    room = RoomFactory()
    start = next_weekday_at(1, 8)
    for n in range(BOOKINGS):
        begins = start.replace(hour=8 + n)
        BookingFactory(
            room=room, organisation=firm, start=begins, end=begins.replace(hour=9 + n),
            price="500.00", full_price="500.00", payment="invoice",
        )  # fmt: skip
    return start.date()


def race(people, day, *, both_read_first: bool):
    """Both make a batch at once; with ``both_read_first`` neither writes until both have
    read what is due (the interleaving a missing lock allows). Returns what each got."""
    start = threading.Barrier(2)
    read = threading.Barrier(2, timeout=10)
    real_bulk_create = InvoiceLine.objects.bulk_create

    def bulk_create(lines, *args, **kwargs):
        if both_read_first:
            read.wait()
        return real_bulk_create(lines, *args, **kwargs)

    def make():
        try:
            start.wait()
            return invoicing.batch_make(by=people.olga, period_from=day, period_to=day)
        except invoicing.BatchRace as refused:
            return refused
        finally:
            connection.close()

    InvoiceLine.objects.bulk_create = bulk_create
    try:
        with ThreadPoolExecutor(2) as pool:
            return [f.result() for f in [pool.submit(make), pool.submit(make)]]
    finally:
        del InvoiceLine.objects.bulk_create


def debits_per_booking() -> set[int]:
    return {
        InvoiceLine.objects.filter(booking_id=pk, kind="debit").count()
        for pk in InvoiceLine.objects.values_list("booking_id", flat=True)
    }


def test_with_the_lock_one_batch_invoices_everything_and_the_other_nothing(people, owed):
    results = race(people, owed, both_read_first=False)
    assert sorted(r.lines.count() for r in results) == [0, BOOKINGS]
    assert debits_per_booking() == {1}


def test_without_the_lock_the_index_refuses_the_second_writer(people, owed, monkeypatch):
    monkeypatch.setattr(invoicing, "_lock_batches", lambda: None)
    results = race(people, owed, both_read_first=True)
    refused = [r for r in results if isinstance(r, invoicing.BatchRace)]
    made = [r for r in results if isinstance(r, InvoiceBatch)]
    assert len(refused) == 1 and len(made) == 1
    assert made[0].lines.count() == BOOKINGS
    assert InvoiceBatch.objects.count() == 1  # the refused batch left nothing behind
    assert debits_per_booking() == {1}


def test_without_lock_and_index_the_same_race_invoices_twice(people, owed, monkeypatch):
    """The control: the scene above really is a race; only the guard makes it safe."""
    monkeypatch.setattr(invoicing, "_lock_batches", lambda: None)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX invoice_one_open_debit")
    try:
        results = race(people, owed, both_read_first=True)
        assert all(isinstance(r, InvoiceBatch) for r in results)
        assert debits_per_booking() == {2}
    finally:
        InvoiceLine.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNIQUE INDEX invoice_one_open_debit ON billing_invoiceline (booking_id) "
                "WHERE open"
            )
