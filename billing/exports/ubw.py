"""The invoice basis as UBW's batch input of sales orders (Unit4 Business World, formerly
Agresso: "salgsordre, batch input"), the file municipalities load into accounting.

Learnt from, not copied: Aktiv kommune's PorticoEstate, ``booking/inc/
class.socompleted_reservation_export.inc.php`` (``format_agresso`` and
``get_agresso_row_template``), https://github.com/PorticoEstate/PorticoEstate. As there:

- every record is one line of 1905 characters: the fields of ``LAYOUT`` one after the
  other, each padded with spaces to its width (text left, numbers right);
- one order per customer: a header record (accept flag 1, line 0000, the customer),
  then per invoice line an item record (amount, account codes) and a text record
  (the line's description, sequence 00000001);
- amounts are øre (kroner × 100) in 17 places, zero-filled; quantities too (1 unit is
  100); dates are YYYYMMDD right-aligned in 17 places (the VAT code is right-aligned
  too); the period is 00YYYYMM;
- codes are upper case; order type FS, payment method IP, status N, transaction type 42;
- ISO-8859-1, what PorticoEstate writes (``iconv("utf-8", "ISO-8859-1//TRANSLIT")``):
  æ, ø and å are kept, a character Latin-1 lacks is replaced by its nearest letter (or ?).

Our own choices: the order number is the batch number × 10 000 + the order's place in
the batch (unique across batches, the same on every download); the dates and the period
are the export's (Europe/Oslo); a credit line has a negative amount and quantity with the
sign before the zeros ("-0000000000150000"); our account code (art) goes in ``article``,
where PorticoEstate puts the article that carries the posting; responsibility is dim_1,
service dim_2, project dim_5; the customer's organisation number is tekst3/tekst4 (a
private person has none: UBW takes the name and address of the header); the customer's
reference is ``ext_ord_ref``. Records end with CRLF. Text longer than its field is cut
(``problems`` names the codes that would be).
"""

import re
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from billing.models import InvoiceBatch, InvoiceLine
from booking.timeutil import to_local

CONTENT_TYPE = "text/plain; charset=iso-8859-1"
ENCODING = "iso-8859-1"
NEWLINE = "\r\n"

LAYOUT = [
    ("accept_flag", 1), ("account", 8), ("accountable", 20), ("address", 160),
    ("allocation_key", 2), ("amount", 17), ("amount_set", 1), ("apar_id", 8),
    ("apar_name", 30), ("art_descr", 35), ("article", 15), ("att_1_id", 2), ("att_2_id", 2),
    ("att_3_id", 2), ("att_4_id", 2), ("att_5_id", 2), ("att_6_id", 2), ("att_7_id", 2),
    ("bank_account", 35), ("batch_id", 12), ("client", 2), ("client_ref", 2),
    ("confirm_date", 17), ("control", 1), ("cur_amount", 17), ("currency", 3),
    ("del_met_descr", 60), ("del_term_descr", 60), ("deliv_addr", 255),
    ("deliv_attention", 50), ("deliv_countr", 3), ("deliv_date", 17), ("deliv_method", 8),
    ("deliv_terms", 8), ("dim_1", 8), ("dim_2", 8), ("dim_3", 8), ("dim_4", 8),
    ("dim_5", 12), ("dim_6", 4), ("dim_7", 4), ("dim_value_1", 12), ("dim_value_2", 12),
    ("dim_value_3", 12), ("dim_value_4", 12), ("dim_value_5", 12), ("dim_value_6", 12),
    ("dim_value_7", 12), ("disc_percent", 17), ("exch_rate", 17), ("ext_ord_ref", 15),
    ("intrule_id", 6), ("line_no", 4), ("location", 4), ("long_info1", 120),
    ("long_info2", 120), ("lot", 10), ("main_apar_id", 8), ("mark_attention", 50),
    ("mark_ctry_cd", 3), ("markings", 120), ("obs_date", 17), ("order_date", 17),
    ("order_id", 9), ("order_type", 2), ("pay_method", 2), ("period", 8), ("place", 30),
    ("province", 40), ("rel_value", 12), ("responsible", 8), ("responsible2", 8),
    ("sequence_no", 8), ("sequence_ref", 8), ("serial_no", 20), ("short_info", 60),
    ("status", 1), ("tax_code", 2), ("tax_system", 2), ("template_id", 8), ("terms_id", 2),
    ("tekst1", 12), ("tekst2", 12), ("tekst3", 12), ("tekst4", 12), ("trans_type", 2),
    ("unit_code", 3), ("unit_descr", 50), ("value_1", 17), ("voucher_ref", 9),
    ("voucher_type", 2), ("warehouse", 4), ("zip_code", 15),
]  # fmt: skip
WIDTH = dict(LAYOUT)
RECORD_LENGTH = sum(WIDTH.values())  # 1905
NUMBERS = {"amount", "value_1", "order_id", "line_no", "sequence_no", "period"}
RIGHT = {"confirm_date", "deliv_date", "tax_code"}
# The codes of a line, the field each goes to, and so the width it may have.
CODES = {
    "client": "client",
    "responsibility": "dim_1",
    "service": "dim_2",
    "account": "article",
    "project": "dim_5",
    "vat_code": "tax_code",
}
RESPONSIBLE = "LOKALE"
_NEAREST = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                          "…": "...", "€": "EUR", "\u00a0": " "})  # fmt: skip
_POSTCODE = re.compile(r"(\d{4})\s+(.+)")
MAX_ORDER = 10**9


def latin1(text: str) -> str:
    """The text as ISO-8859-1 can hold it, on one line."""
    text = " ".join(str(text).split()).translate(_NEAREST)
    out = []
    for char in text:
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode(ENCODING, "ignore").decode(ENCODING)
            char = "".join(c for c in plain if not unicodedata.combining(c)) or "?"
        out.append(char)
    return "".join(out)


def field(name: str, value) -> str:
    width = WIDTH[name]
    text = latin1(value)
    if name in NUMBERS:
        digits = text.lstrip("-")
        sign = "-" if text.startswith("-") else ""
        text = sign + digits.rjust(width - len(sign), "0")
        if len(text) > width:
            raise ValueError(f"{name}={value!r} does not fit in {width} places")
        return text
    if name in RIGHT:
        return text[:width].rjust(width)
    return text[:width].ljust(width)


def record(values: dict) -> str:
    unknown = set(values) - set(WIDTH)
    if unknown:
        raise KeyError(sorted(unknown))
    return "".join(
        field(name, values[name]) if name in values else " " * width for name, width in LAYOUT
    )


def filename(batch: InvoiceBatch) -> str:
    return f"lokale-fakturagrunnlag-{batch.pk}-ubw.txt"


def _postal(address: str) -> tuple[str, str, str]:
    """Street lines, post code and place from a free-text address ("Postboks 1, 1430 Ås")."""
    parts = [p.strip() for p in re.split(r"[\n,]+", address) if p.strip()]
    found = _POSTCODE.fullmatch(parts[-1]) if parts else None
    if found:
        return ", ".join(parts[:-1]), found[1], found[2]
    return ", ".join(parts), "", ""


def orders(batch: InvoiceBatch) -> list[list[InvoiceLine]]:
    """The lines grouped as UBW orders: one per customer and client, in the file's order."""
    grouped: dict[tuple, list] = {}
    for line in batch.lines.order_by("customer_key", "start", "id"):
        grouped.setdefault((line.customer_key, line.client), []).append(line)
    return list(grouped.values())


def render(batch: InvoiceBatch) -> bytes:
    exported = to_local(batch.exported_at)
    common = {
        "batch_id": f"LOKALE{batch.pk:06d}",
        "trans_type": "42",
        "voucher_type": settings.INVOICE_VOUCHER_TYPE.upper(),
    }
    # The invoice's heading, in Norwegian like the CSV's columns: the file is the office's.
    heading = f"Leie av lokaler {batch.period_from:%d.%m.%Y}–{batch.period_to:%d.%m.%Y}"
    records = []
    for number, lines in enumerate(orders(batch), start=1):
        order_id = batch.pk * 10_000 + number
        if order_id >= MAX_ORDER or number >= 10_000:
            raise ValueError(f"batch {batch.pk}: order number {order_id} does not fit")
        first = lines[0]
        street, postcode, place = _postal(first.customer_address)
        order = common | {
            "client": first.client.upper(),
            "order_id": order_id,
            "period": f"{exported:%Y%m}",
            "status": "N",
        }
        records.append(
            record(
                order
                | {
                    "accept_flag": "1",
                    "line_no": 0,
                    "apar_name": first.customer_name,
                    "address": street,
                    "zip_code": postcode,
                    "place": place,
                    "tekst3": first.customer_org_number,
                    "tekst4": first.customer_org_number,
                    "ext_ord_ref": first.customer_reference,
                    "long_info1": heading,
                    "confirm_date": f"{exported:%Y%m%d}",
                    "deliv_date": f"{exported:%Y%m%d}",
                    "currency": "NOK",
                    "order_type": "FS",
                    "pay_method": "IP",
                    "responsible": RESPONSIBLE,
                    "responsible2": RESPONSIBLE,
                }
            )
        )
        for line_no, line in enumerate(lines, start=1):
            units = -100 if line.amount_ore < 0 else 100
            item = order | {"accept_flag": "0", "line_no": line_no}
            records.append(
                record(
                    item
                    | {
                        "amount": line.amount_ore,
                        "amount_set": "1",
                        "value_1": units,
                        "art_descr": f"{line.room_name}, {line.site_name}",
                        "article": line.account.upper(),
                        "dim_1": line.responsibility.upper(),
                        "dim_2": line.service.upper(),
                        "dim_5": line.project.upper(),
                        "tax_code": line.vat_code.upper(),
                        "sequence_no": 0,
                    }
                )
            )
            text = {k: v for k, v in item.items() if k not in ("period", "status")}
            records.append(record(text | {"short_info": line.description, "sequence_no": 1}))
    return "".join(r + NEWLINE for r in records).encode(ENCODING)


def problems(lines) -> list[str]:
    """What UBW would not be given whole: codes longer than their field, missing codes."""
    found = []
    if not settings.INVOICE_VOUCHER_TYPE:
        found.append(_("No voucher type (bilagsart) is set for UBW."))
    seen = set()
    for line in lines:
        for code, name in CODES.items():
            value = getattr(line, code)
            if len(value) > WIDTH[name] and (code, value) not in seen:
                seen.add((code, value))
                found.append(
                    _("%(code)s “%(value)s” is longer than UBW's %(width)d characters.")
                    % {"code": code, "value": value, "width": WIDTH[name]}
                )
        if not line.client and ("client", "") not in seen:
            seen.add(("client", ""))
            found.append(_("A line has no client (firma) code for UBW."))
    return found
