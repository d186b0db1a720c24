"""The invoice basis (billing/invoicing.py): what each batch debits and credits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.invoicing import batch_discard, batch_export, batch_make, to_ore, totals
from billing.models import InvoiceLine, SiteAccount
from booking import services
from booking.models import Booking, Organisation, PriceRule
from tests.conftest import next_weekday_at
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(people):
    """A verified business with an invoice address, and its member."""
    firm = OrganisationFactory(
        name="Fjordvik Regnskap AS",
        category=Organisation.Category.COMMERCIAL,
        org_number="100000032",
        invoice_address="Postboks 7\n1430 Ås",
        invoice_reference="Kari Regnskap",
    )
    firm.verified_category = Organisation.Category.COMMERCIAL
    firm.save()
    member = UserFactory(username="kari")
    MembershipFactory(user=member, organisation=firm)
    return firm, member


def book(people, organisation, by, start, hours=3, **extra):
    return services.booking_create(
        room=people.room, organisation=organisation, by=by, start=start,
        end=start + dt.timedelta(hours=hours), title="Kurs", attendees=10, **extra,
    )  # fmt: skip


def make(people, day: dt.date, start: dt.date | None = None):
    return batch_make(by=people.olga, period_from=start or day - dt.timedelta(days=30),
                      period_to=day)  # fmt: skip


def test_a_commercial_booking_of_3_hours_at_500_an_hour_is_one_1500_kr_line(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    assert booking.payment == Booking.Payment.INVOICE and booking.price == Decimal("1500.00")
    batch = make(people, start.date())
    [line] = batch.lines.all()
    assert (line.booking_id, line.kind, line.amount_ore) == (booking.pk, "debit", 150_000)
    assert (line.hours, line.unit_price_ore) == (Decimal("3.0000"), 50_000)
    assert line.customer_org_number == "100000032"
    assert line.customer_address == "Postboks 7\n1430 Ås"
    assert line.customer_reference == "Kari Regnskap"
    assert line.vat_code == "0" and line.vat_ore == 0  # renting a room is VAT-exempt
    assert line.room_name == people.room.name
    assert line.description.startswith(f"Leie av {people.room.name}")
    assert line.open


def test_cancelled_after_export_is_credited_in_the_following_batch(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    first = batch_export(batch=make(people, start.date()), by=people.olga)
    services.booking_cancel(booking=booking, by=kari)
    second = make(people, start.date())
    [credit] = second.lines.all()
    assert (credit.kind, credit.amount_ore, credit.booking_id) == ("credit", -150_000, booking.pk)
    assert credit.credits == first.lines.get()
    assert credit.description.startswith("Kreditering: Leie av")
    assert not first.lines.get().open
    assert make(people, start.date()).lines.count() == 0  # credited once, not again


def test_a_voluntary_free_booking_is_no_line(people):
    PriceRule.objects.create(
        name="Frivillige gratis", booker_kinds=["voluntary"], voluntary_verified=True,
        effect=PriceRule.Effect.PERCENT_OFF, percent_off=100, reason_nb="Gratis",
        reason_en="Free",
    )  # fmt: skip
    start = next_weekday_at(1, 18)
    booking = book(people, people.org_a, people.alice, start)
    assert booking.price == 0 and booking.payment == Booking.Payment.NONE
    assert make(people, start.date()).lines.count() == 0


def test_a_moved_booking_is_credited_and_invoiced_again_as_it_is_now(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    first = batch_export(batch=make(people, start.date()), by=people.olga)
    services.booking_update(
        booking=booking, by=kari, start=start + dt.timedelta(hours=1),
        end=start + dt.timedelta(hours=3),
    )  # fmt: skip
    second = make(people, start.date())
    credit, debit = sorted(second.lines.all(), key=lambda x: x.kind)
    assert (credit.kind, credit.amount_ore, credit.credits_id) == (
        "credit", -150_000, first.lines.get().pk,
    )  # fmt: skip
    assert (debit.kind, debit.amount_ore, debit.hours) == ("debit", 100_000, Decimal(2))
    assert debit.start == start + dt.timedelta(hours=1)
    assert sum(line.amount_ore for line in InvoiceLine.objects.all()) == 100_000


def test_a_booking_is_invoiced_once_however_many_batches(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    book(people, organisation, kari, start)
    assert make(people, start.date()).lines.count() == 1
    assert make(people, start.date()).lines.count() == 0
    assert InvoiceLine.objects.filter(kind="debit").count() == 1


def test_what_starts_after_the_period_waits_for_its_batch(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18, weeks=3)
    book(people, organisation, kari, start)
    assert make(people, start.date() - dt.timedelta(days=1)).lines.count() == 0
    assert make(people, start.date()).lines.count() == 1


def test_a_request_is_invoiced_only_once_approved(people, firm):
    organisation, kari = firm
    people.room.requires_approval = True
    people.room.save()
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    assert booking.status == Booking.Status.PENDING
    assert booking.payment == Booking.Payment.INVOICE  # a request is never paid online
    assert make(people, start.date()).lines.count() == 0
    services.booking_approve(booking=booking, by=people.olga)
    assert make(people, start.date()).lines.get().booking_id == booking.pk


def test_a_private_person_is_invoiced_at_the_address_given(people):
    start = next_weekday_at(1, 18)
    booking = book(people, None, people.bob, start, hours=2,
                   payer_name="Bob Bakken", payer_address="Lia 4\n1430 Ås")  # fmt: skip
    [line] = make(people, start.date()).lines.all()
    assert (line.customer_name, line.customer_address) == ("Bob Bakken", "Lia 4\n1430 Ås")
    assert line.customer_org_number == "" and line.customer_key.startswith("person:")
    assert line.booking_id == booking.pk and line.amount_ore == 100_000


def test_one_invoice_basis_per_customer(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 10)
    book(people, organisation, kari, start, hours=1)
    book(people, organisation, kari, start + dt.timedelta(hours=2), hours=2)
    book(people, None, people.bob, start + dt.timedelta(hours=5), hours=1,
         payer_name="Bob Bakken", payer_address="Lia 4")  # fmt: skip
    customers = totals(make(people, start.date()))
    assert sorted((len(c["lines"]), c["total_ore"]) for c in customers) == [
        (1, 50_000), (2, 150_000),
    ]  # fmt: skip


def test_vat_comes_from_the_price_rule_that_charges(people, firm):
    organisation, kari = firm
    people.room.hourly_price = Decimal("625.00")
    people.room.save()
    PriceRule.objects.create(
        name="Næring med mva", order=1, booker_kinds=["commercial"],
        effect=PriceRule.Effect.PERCENT_OFF,
        percent_off=0, vat_code="3", vat_percent=Decimal(25), reason_nb="Næring",
        reason_en="Business",
    )  # fmt: skip
    start = next_weekday_at(1, 18)
    book(people, organisation, kari, start, hours=2)
    [line] = make(people, start.date()).lines.all()
    assert (line.amount_ore, line.vat_code, line.vat_ore) == (125_000, "3", 25_000)


def test_a_sites_accounting_codes_come_before_the_settings(people, firm, settings):
    organisation, kari = firm
    settings.INVOICE_RESPONSIBILITY, settings.INVOICE_ACCOUNT = "9999", "16400"
    SiteAccount.objects.create(site=people.room.site, responsibility="2100", service="3810")
    start = next_weekday_at(1, 18)
    book(people, organisation, kari, start)
    [line] = make(people, start.date()).lines.all()
    assert (line.responsibility, line.service, line.account) == ("2100", "3810", "16400")


def test_discarding_a_draft_gives_its_bookings_to_the_next_batch(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    first = batch_export(batch=make(people, start.date()), by=people.olga)
    services.booking_cancel(booking=booking, by=kari)
    draft = make(people, start.date())
    assert draft.lines.get().kind == "credit"
    batch_discard(batch=draft, by=people.olga)
    assert first.lines.get().open  # the credit went with the draft
    assert make(people, start.date()).lines.get().amount_ore == -150_000


def test_an_exported_batch_never_changes(people, firm):
    organisation, kari = firm
    start = next_weekday_at(1, 18)
    book(people, organisation, kari, start)
    batch = batch_export(batch=make(people, start.date()), by=people.olga)
    with pytest.raises(ValidationError) as refused:
        batch_discard(batch=batch, by=people.olga)
    assert "status" in refused.value.message_dict
    assert batch.lines.count() == 1
    exported_at = batch.exported_at
    assert batch_export(batch=batch, by=people.olga).exported_at == exported_at


def test_a_booking_paid_online_is_never_invoiced(people, firm, settings):
    organisation, kari = firm
    settings.PAYMENT_BACKEND = "billing.vipps.VippsBackend"
    start = next_weekday_at(1, 18)
    booking = book(people, organisation, kari, start)
    assert booking.payment == Booking.Payment.ONLINE and booking.awaits_payment
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CONFIRMED)  # paid
    assert make(people, start.date()).lines.count() == 0


def test_only_officers_make_batches_and_a_bad_period_names_the_field(people):
    today = dt.date(2027, 3, 1)
    with pytest.raises(PermissionDenied):
        batch_make(by=people.alice, period_from=today, period_to=today)
    with pytest.raises(ValidationError) as backwards:
        batch_make(by=people.olga, period_from=today, period_to=today - dt.timedelta(days=1))
    assert list(backwards.value.message_dict) == ["period_to"]
    with pytest.raises(ValidationError) as too_long:
        batch_make(by=people.olga, period_from=today, period_to=today + dt.timedelta(days=400))
    assert list(too_long.value.message_dict) == ["period_to"]
    from billing.models import InvoiceBatch

    assert not InvoiceBatch.objects.exists()


def test_kroner_become_whole_ore_exactly():
    assert to_ore(Decimal("1500.00")) == 150_000
    assert to_ore(Decimal("0.01")) == 1
    assert to_ore(Decimal("-1500.5")) == -150_050
    with pytest.raises(ValueError):
        to_ore(Decimal("0.005"))
