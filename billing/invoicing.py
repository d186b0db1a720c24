"""The invoice basis: officers make a batch for a period; each booking owed by invoice
gets one debit line, and one that changed after it was invoiced a credit (and, if still
owed, a new debit). A booking is never invoiced twice (see InvoiceLine's constraints).

Batches are made one at a time (an advisory lock on PostgreSQL, the IMMEDIATE
transaction on SQLite); the partial unique index is the guard should a writer skip that.
"""

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import InvoiceBatch, InvoiceLine, SiteAccount
from booking import roles
from booking.models import Booking, PriceRule
from booking.pricing import hours_between
from booking.timeutil import OSLO, to_local
from config.errors import ConflictError

BATCH_LOCK = (0x4C42, 1)  # "LB": pg_advisory_xact_lock(namespace, 1), one batch at a time
HOURS = Decimal("0.0001")
ORE_PER_KRONE = 100
MAX_PERIOD_DAYS = 366


class BatchRace(ConflictError):
    def __init__(self):
        super().__init__(_("Another invoice batch was made at the same time. Try again."), [])


def to_ore(kroner: Decimal) -> int:
    """Exact: kroner with at most two decimals become whole øre, or a ValueError."""
    ore = kroner * ORE_PER_KRONE
    if ore != ore.to_integral_value():
        raise ValueError(f"{kroner} kr is not a whole number of øre")
    return int(ore)


def require_officer(by) -> None:
    if by is None or not roles.is_officer(by):
        raise PermissionDenied("only booking officers handle invoicing")


def _lock_batches() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(BATCH_LOCK))


def owed_by_invoice(booking: Booking) -> bool:
    return (
        booking.status == Booking.Status.CONFIRMED
        and booking.payment == Booking.Payment.INVOICE
        and booking.price > 0
    )


def customer_of(booking: Booking) -> dict:
    """Who is invoiced for a booking, as the invoice line keeps it."""
    organisation = booking.organisation
    if organisation is not None:
        return {
            "customer_key": f"org:{organisation.pk}",
            "customer_org_number": organisation.org_number,
            "customer_name": organisation.name,
            "customer_address": organisation.invoice_address,
            "customer_reference": organisation.invoice_reference,
            "customer_email": organisation.contact_email,
        }
    person = booking.booked_by
    digest = hashlib.sha256(f"{booking.payer_name}\n{booking.payer_address}".encode())
    return {
        "customer_key": f"person:{person.pk}:{digest.hexdigest()[:8]}",
        "customer_org_number": "",
        "customer_name": booking.payer_name or person.get_full_name() or person.username,
        "customer_address": booking.payer_address,
        "customer_reference": "",
        "customer_email": person.email,
    }


def _codes(site_id: int, accounts: dict[int, SiteAccount]) -> dict:
    account = accounts.get(site_id)
    return {
        name: (getattr(account, name, "") if account else "") or default
        for name, default in [
            ("client", settings.INVOICE_CLIENT),
            ("responsibility", settings.INVOICE_RESPONSIBILITY),
            ("service", settings.INVOICE_SERVICE),
            ("account", settings.INVOICE_ACCOUNT),
            ("project", settings.INVOICE_PROJECT),
        ]
    }


def _paying_rule(booking: Booking, rules: dict[int, PriceRule]) -> PriceRule | None:
    """The rule of the first part that costs money (its VAT applies to the line)."""
    for line in booking.price_lines:
        if Decimal(line["price"]) > 0 and line.get("rule"):
            return rules.get(line["rule"])
    return None


def debit_for(booking: Booking, *, rules, accounts) -> InvoiceLine:
    """The line a booking owed by invoice is invoiced with, as it is now."""
    amount = to_ore(booking.price)
    hours = hours_between(booking.start, booking.end).quantize(HOURS, rounding=ROUND_HALF_UP)
    rule = _paying_rule(booking, rules)
    vat_percent = rule.vat_percent if rule else Decimal(0)
    vat = Decimal(amount) * vat_percent / (100 + vat_percent)
    start, end = to_local(booking.start), to_local(booking.end)
    with translation.override(settings.LANGUAGE_CODE):
        description = _("Rent of %(room)s, %(site)s, %(date)s %(start)s–%(end)s") % {
            "room": booking.room.name,
            "site": booking.room.site.name,
            "date": f"{start:%d.%m.%Y}",
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }
    return InvoiceLine(
        booking=booking,
        kind=InvoiceLine.Kind.DEBIT,
        open=True,
        **customer_of(booking),
        site_name=booking.room.site.name,
        room_name=booking.room.name,
        start=booking.start,
        end=booking.end,
        hours=hours,
        unit_price_ore=int((Decimal(amount) / hours).quantize(Decimal(1), ROUND_HALF_UP)),
        amount_ore=amount,
        vat_code=(rule.vat_code if rule else "") or settings.INVOICE_VAT_EXEMPT_CODE,
        vat_ore=int(vat.quantize(Decimal(1), ROUND_HALF_UP)),
        rule_name=booking.price_rule_name,
        description=description[:300],
        **_codes(booking.room.site_id, accounts),
    )


_FACTS = ("start", "end", "amount_ore", "room_name", "site_name", "customer_key")


def _credit_text(description: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the accounting file's language
        return (_("Credit: %(what)s") % {"what": description})[:300]


def credit_for(debit: InvoiceLine) -> InvoiceLine:
    """The line that takes a debit back, with the same facts and the opposite amount."""
    fields = {
        f.attname: getattr(debit, f.attname)
        for f in InvoiceLine._meta.concrete_fields
        if f.attname not in ("id", "batch_id", "kind", "open", "credits_id")
    }
    fields.update(
        amount_ore=-debit.amount_ore,
        vat_ore=-debit.vat_ore,
        description=_credit_text(debit.description),
    )
    return InvoiceLine(kind=InvoiceLine.Kind.CREDIT, open=False, credits=debit, **fields)


def _period_end(period_to: dt.date) -> dt.datetime:
    return dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time(0), OSLO)


def check_period(period_from: dt.date, period_to: dt.date) -> None:
    if period_to < period_from:
        raise ValidationError({"period_to": [_("Must not be before the start of the period.")]})
    if (period_to - period_from).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"period_to": [_("A batch covers at most a year.")]})


def batch_make(*, by, period_from: dt.date, period_to: dt.date) -> InvoiceBatch:
    """Make the invoice basis up to the end of ``period_to`` (local time).

    Debits every booking owed by invoice that starts before the period ends and has no
    open debit (so one missed by an earlier batch is caught), and credits every open
    debit whose booking is no longer owed or has changed since; a changed booking still
    owed gets a new debit if it now starts before the period ends, else a later batch
    invoices it. A batch with nothing to invoice or credit is still made (and says so)."""
    require_officer(by)
    check_period(period_from, period_to)
    rules = {rule.pk: rule for rule in PriceRule.objects.all()}
    accounts = {a.site_id: a for a in SiteAccount.objects.all()}
    related = ("room__site", "organisation", "booked_by")
    try:
        with transaction.atomic():
            _lock_batches()
            batch = InvoiceBatch.objects.create(
                period_from=period_from, period_to=period_to, created_by=by
            )
            lines: list[InvoiceLine] = []
            credited: list[int] = []
            open_debits = InvoiceLine.objects.filter(open=True).select_related(
                *(f"booking__{path}" for path in related)
            )
            for debit in open_debits:
                booking = debit.booking
                if owed_by_invoice(booking):
                    now = debit_for(booking, rules=rules, accounts=accounts)
                    if all(getattr(now, f) == getattr(debit, f) for f in _FACTS):
                        continue
                lines.append(credit_for(debit))
                credited.append(debit.pk)
            if credited:
                closed = InvoiceLine.objects.filter(pk__in=credited, open=True).update(open=False)
                if closed != len(credited):
                    raise BatchRace()
            due = (
                Booking.objects.filter(
                    status=Booking.Status.CONFIRMED,
                    payment=Booking.Payment.INVOICE,
                    price__gt=0,
                    start__lt=_period_end(period_to),
                )
                .exclude(invoice_lines__open=True)
                .select_related(*related)
                .order_by("start", "id")
            )
            lines += [debit_for(b, rules=rules, accounts=accounts) for b in due]
            for line in lines:
                line.batch = batch
            InvoiceLine.objects.bulk_create(lines)
    except IntegrityError as error:
        raise BatchRace() from error
    return batch


def batch_export(*, batch: InvoiceBatch, by) -> InvoiceBatch:
    """Mark a batch as given to the accounting system: from now on it never changes.
    Exporting again changes nothing (the files can be downloaded again)."""
    require_officer(by)
    now = timezone.now()
    InvoiceBatch.objects.filter(pk=batch.pk, status=InvoiceBatch.Status.DRAFT).update(
        status=InvoiceBatch.Status.EXPORTED, exported_by=by, exported_at=now
    )
    batch.refresh_from_db()
    return batch


def batch_discard(*, batch: InvoiceBatch, by) -> None:
    """Throw a draft away: what it credited is open again and what it debited is
    invoiced by the next batch. An exported batch is refused."""
    require_officer(by)
    with transaction.atomic():
        _lock_batches()
        locked = InvoiceBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None:
            return
        if locked.status != InvoiceBatch.Status.DRAFT:
            raise ValidationError(
                {"status": [_("An exported batch is the accounting record; it cannot change.")]}
            )
        if InvoiceLine.objects.filter(credits__batch=locked).exclude(batch=locked).exists():
            raise ValidationError(
                {"status": [_("A later batch credits lines of this one; discard that one first.")]}
            )
        credits = locked.lines.filter(kind=InvoiceLine.Kind.CREDIT)
        reopen = list(credits.values_list("credits_id", flat=True))
        locked.lines.all().delete()
        InvoiceLine.objects.filter(pk__in=reopen).update(open=True)
        locked.delete()


def totals(batch: InvoiceBatch) -> list[dict]:
    """One entry per customer: its lines and the sum, in the order of the export."""
    customers: dict[str, dict] = {}
    for line in batch.lines.order_by("customer_key", "start", "id"):
        entry = customers.setdefault(
            line.customer_key, {"customer": line, "lines": [], "total_ore": 0}
        )
        entry["lines"].append(line)
        entry["total_ore"] += line.amount_ore
    return list(customers.values())
