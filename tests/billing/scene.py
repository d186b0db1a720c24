"""Scenes for the billing tests: invoiceable bookings, and a fixed exported batch whose
files are compared byte for byte with the golden files (every id, date and name fixed)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from billing.invoicing import credit_for, debit_for
from billing.models import InvoiceBatch, InvoiceLine, SiteAccount
from booking.models import Booking, Organisation
from booking.timeutil import OSLO
from tests.factories import (
    BookingFactory,
    OrganisationFactory,
    RoomFactory,
    SiteFactory,
    UserFactory,
)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


def invoiced_booking(**kwargs) -> Booking:
    """A confirmed booking owed by invoice: 500 kr an hour unless price says otherwise."""
    kwargs.setdefault("payment", Booking.Payment.INVOICE)
    booking = BookingFactory(**kwargs)
    if "price" not in kwargs:
        hours = Decimal((booking.end - booking.start).total_seconds()) / 3600
        booking.price = booking.full_price = hours * 500
        booking.save(update_fields=["price", "full_price"])
    return booking


def commercial(name="Bølgen Bryggeri AS", org_number="987654325", **kwargs) -> Organisation:
    return OrganisationFactory(
        name=name,
        category=Organisation.Category.COMMERCIAL,
        voluntary_verified=False,
        org_number=org_number,
        invoice_reference=kwargs.pop("invoice_reference", "Kari Ås, ordre 17"),
        **kwargs,
    )


@pytest.fixture
def golden_scene(db, settings):
    """Batch 9001 (exported 01.02.2031 09:30): a 3 h commercial booking (1 500,00 kr), a
    private person's 2½ h booking whose name starts with "=", and a credit of booking
    9003, invoiced in batch 9000 and cancelled since."""
    settings.INVOICE_CLIENT = "K1"
    settings.INVOICE_RESPONSIBILITY = "724300"
    settings.INVOICE_SERVICE = "38010"
    settings.INVOICE_ACCOUNT = "16300"
    settings.INVOICE_PROJECT = ""
    settings.INVOICE_VOUCHER_TYPE = "FK"
    settings.INVOICE_VAT_EXEMPT_CODE = "0"
    officer = UserFactory(pk=8000, username="regnskap")
    site = SiteFactory(pk=8100, name="Åsgård skole")
    hall = RoomFactory(pk=8200, site=site, name="Gymsal")
    other = RoomFactory(pk=8201, site=SiteFactory(pk=8101, name="Kulturhuset"), name="Sal 1")
    SiteAccount.objects.create(site=other.site, responsibility="724500", project="P-2031")
    firm = commercial(pk=8300, invoice_address="Postboks 12\n1430 Ås")
    person = UserFactory(pk=8400, username="ase", first_name="Åse", last_name="Ørn")
    business = invoiced_booking(
        pk=9002,
        room=hall,
        organisation=firm,
        booked_by=officer,
        start=local(2031, 1, 14, 17, 0),
        end=local(2031, 1, 14, 20, 0),
        price_rule_name="Næring",
    )
    private = invoiced_booking(
        pk=9004,
        room=other,
        organisation=None,
        booked_by=person,
        payer_name="=Åse Ørn",
        payer_address="Ørnevegen 3, 1433 Ås",
        start=local(2031, 1, 20, 10, 0),
        end=local(2031, 1, 20, 12, 30),
        price_rule_name="Privatperson",
    )
    cancelled = invoiced_booking(
        pk=9003,
        room=hall,
        organisation=firm,
        booked_by=officer,
        start=local(2030, 12, 10, 18, 0),
        end=local(2030, 12, 10, 20, 0),
        price_rule_name="Næring",
    )
    accounts = {a.site_id: a for a in SiteAccount.objects.all()}
    exported = local(2031, 1, 2, 9, 30)
    earlier = InvoiceBatch.objects.create(
        pk=9000,
        period_from=dt.date(2030, 12, 1),
        period_to=dt.date(2030, 12, 31),
        created_by=officer,
        status=InvoiceBatch.Status.EXPORTED,
        exported_by=officer,
        exported_at=exported,
    )
    first = debit_for(cancelled, rules={}, accounts=accounts)
    first.batch, first.open = earlier, False
    first.save()
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    batch = InvoiceBatch.objects.create(
        pk=9001,
        period_from=dt.date(2031, 1, 1),
        period_to=dt.date(2031, 1, 31),
        created_by=officer,
        status=InvoiceBatch.Status.EXPORTED,
        exported_by=officer,
        exported_at=local(2031, 2, 1, 9, 30),
    )
    lines = [credit_for(first)] + [
        debit_for(b, rules={}, accounts=accounts) for b in (business, private)
    ]
    # Fixed texts: the golden files must not follow the translations of the descriptions.
    texts = [
        "Kreditering: Leie av Gymsal, Åsgård skole, 10.12.2030 18:00–20:00",
        "Leie av Gymsal, Åsgård skole, 14.01.2031 17:00–20:00",
        "Leie av Sal 1, Kulturhuset, 20.01.2031 10:00–12:30",
    ]
    for line, text in zip(lines, texts, strict=True):
        line.batch, line.description = batch, text
    InvoiceLine.objects.bulk_create(lines)
    return SimpleNamespace(
        batch=batch, earlier=earlier, firm=firm, person=person, officer=officer,
        business=business, private=private, cancelled=cancelled,
    )  # fmt: skip
