"""The invoice basis as a spreadsheet: one row per invoice line, flat (no totals), with
the customer, what was rented, the amount and the accounting codes.

Written by config.csvexport (UTF-8 with a byte-order mark, semicolons, CRLF, no cell
read as a formula). Numbers have a decimal comma, as Norwegian Excel reads them; the
column names are Norwegian, like the other exports of the booking office.
"""

from decimal import Decimal

from billing.exports import kroner
from billing.models import InvoiceBatch, InvoiceLine
from booking.timeutil import to_local
from config.csvexport import spreadsheet_csv

CONTENT_TYPE = "text/csv; charset=utf-8"
COLUMNS = [
    "Bunt",
    "Kunde",
    "Navn",
    "Adresse",
    "Referanse",
    "Booking",
    "Type",
    "Sted",
    "Rom",
    "Dato",
    "Fra",
    "Til",
    "Timer",
    "Pris per time (kr)",
    "Beløp (kr)",
    "MVA-kode",
    "MVA (kr)",
    "Prisregel",
    "Beskrivelse",
    "Firma",
    "Ansvar",
    "Tjeneste",
    "Art",
    "Prosjekt",
]
KINDS = {InvoiceLine.Kind.DEBIT: "Faktura", InvoiceLine.Kind.CREDIT: "Kreditt"}


def filename(batch: InvoiceBatch) -> str:
    return f"lokale-fakturagrunnlag-{batch.pk}.csv"


def hours_text(hours: Decimal) -> str:
    """3 → "3,00", 1.5 → "1,50", 0.3333 → "0,3333": at least two decimals, no more
    than the line holds."""
    text = f"{hours:.4f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole},{decimals.ljust(2, '0')}"


def one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def row(batch: InvoiceBatch, line: InvoiceLine) -> list:
    start, end = to_local(line.start), to_local(line.end)
    return [
        batch.pk,
        line.customer_org_number or line.customer_key,
        line.customer_name,
        one_line(line.customer_address),
        line.customer_reference,
        line.booking_id,
        KINDS[line.kind],
        line.site_name,
        line.room_name,
        f"{start:%d.%m.%Y}",
        f"{start:%H:%M}",
        f"{end:%H:%M}",
        hours_text(line.hours),
        kroner(line.unit_price_ore),
        kroner(line.amount_ore),
        line.vat_code,
        kroner(line.vat_ore),
        line.rule_name,
        line.description,
        line.client,
        line.responsibility,
        line.service,
        line.account,
        line.project,
    ]


def render(batch: InvoiceBatch) -> bytes:
    lines = batch.lines.order_by("customer_key", "start", "id")
    return spreadsheet_csv([COLUMNS, *(row(batch, line) for line in lines)]).encode("utf-8")
