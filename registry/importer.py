"""Load Brønnøysund's bulk download of main units (enheter) into the local copy.

The download comes as JSON (``/enhetsregisteret/api/enheter/lastned``: one array of
units in the shape the API answers ``/enheter/{orgnr}`` with) or as CSV
(``/lastned/csv``: one row per unit, the nested names flattened with dots, e.g.
``organisasjonsform.kode``, ``forretningsadresse.adresse``), gzipped or not. Both are
read as a stream and written in batches, so the memory used does not grow with the file.
"""

import csv
import datetime as dt
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from registry.models import Unit
from registry.orgnr import org_number_is_valid

BATCH_SIZE = 5000
# A few units of the demo municipality, Fjordvik, in the register's JSON shape.
SAMPLE = Path(__file__).resolve().parent / "demo" / "enheter-sample.json"
GZIP_MAGIC = b"\x1f\x8b"
DATA_FIELDS = [
    "name",
    "form_code",
    "form_description",
    "address_lines",
    "postcode",
    "town",
    "municipality",
    "municipality_number",
    "country_code",
    "voluntary",
    "bankrupt",
    "under_liquidation",
    "deleted_on",
]
_MAX_LENGTH = {
    name: Unit._meta.get_field(name).max_length
    for name in DATA_FIELDS
    if getattr(Unit._meta.get_field(name), "max_length", None)
}
# The CSV download writes an address's lines as one field, separated by "/n".
_LINE_BREAK = re.compile(r"\r?\n|/n")


class BadUnit(ValueError):
    """A unit in the file that cannot be stored; the import counts it and goes on."""


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: int = 0
    bad_examples: list[str] = field(default_factory=list)
    deleted: int | None = None  # with full=True: units no longer in the register

    def summary(self) -> str:
        text = (
            f"{self.read} units read: {self.created} new, {self.updated} changed, "
            f"{self.unchanged} unchanged, {self.bad} bad."
        )
        if self.deleted is not None:
            text += f" {self.deleted} no longer in the register, marked deleted."
        return text


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("true", "j", "ja", "1"):
        return True
    if text in ("", "false", "n", "nei", "0"):
        return False
    raise BadUnit(f"not a yes/no value: {value!r}")


def _date(value) -> dt.date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise BadUnit(f"not a date: {value!r}") from None


def _lines(value) -> list[str]:
    if isinstance(value, list):
        parts = [_text(v) for v in value]
    else:
        parts = _LINE_BREAK.split(_text(value))
    return [p.strip() for p in parts if p and p.strip()]


def _address(get, prefix: str) -> dict | None:
    lines = _lines(get(f"{prefix}.adresse"))
    postcode, town = _text(get(f"{prefix}.postnummer")), _text(get(f"{prefix}.poststed"))
    if not (lines or postcode or town):
        return None
    return {
        "address_lines": "\n".join(lines),
        "postcode": postcode,
        "town": town,
        "municipality": _text(get(f"{prefix}.kommune")),
        "municipality_number": _text(get(f"{prefix}.kommunenummer")),
        "country_code": _text(get(f"{prefix}.landkode")),
    }


def _unit(get) -> dict:
    """One unit's fields from a getter of the register's dotted names."""
    number = _text(get("organisasjonsnummer")).replace(" ", "")
    if not org_number_is_valid(number):
        raise BadUnit(f"not an organisation number: {number!r}")
    name = _text(get("navn"))
    deleted_on = _date(get("slettedato"))
    if not name and deleted_on is None:
        raise BadUnit(f"{number}: no name")
    address = _address(get, "forretningsadresse") or _address(get, "postadresse") or {}
    unit = {
        "org_number": number,
        "name": name,
        "form_code": _text(get("organisasjonsform.kode")),
        "form_description": _text(get("organisasjonsform.beskrivelse")),
        "address_lines": address.get("address_lines", ""),
        "postcode": address.get("postcode", ""),
        "town": address.get("town", ""),
        "municipality": address.get("municipality", ""),
        "municipality_number": address.get("municipality_number", ""),
        "country_code": address.get("country_code", ""),
        "voluntary": _flag(get("registrertIFrivillighetsregisteret")),
        "bankrupt": _flag(get("konkurs")),
        "under_liquidation": _flag(get("underAvvikling"))
        or _flag(get("underTvangsavviklingEllerTvangsopplosning")),
        "deleted_on": deleted_on,
    }
    for name, length in _MAX_LENGTH.items():
        unit[name] = unit[name][:length]
    return unit


def unit_from_json(entry) -> dict:
    """A unit's fields from one unit in the register's JSON shape (API or bulk download)."""
    if not isinstance(entry, dict):
        raise BadUnit("not an object")

    def get(dotted: str):
        value = entry
        for part in dotted.split("."):
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return _unit(get)


def unit_from_csv(row: dict) -> dict:
    """A unit's fields from one row of the CSV download (dotted column names)."""
    return _unit(row.get)


def _open(path: Path):
    with open(path, "rb") as probe:
        zipped = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if zipped else open(path, "rb")


def _first_character(stream) -> bytes:
    head = stream.peek(64)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1]


def read_units(path: Path | str) -> Iterator[dict | BadUnit]:
    """The units in a bulk download, one at a time; a unit that cannot be read comes as
    a ``BadUnit``. JSON or CSV, gzipped or not, told apart by their first bytes."""
    with _open(Path(path)) as stream:
        first = _first_character(stream)
        if first == b"[" or first == b"{":
            prefix = "item" if first == b"[" else ""
            for entry in ijson.items(stream, prefix, use_float=True):
                try:
                    yield unit_from_json(entry)
                except BadUnit as bad:
                    yield bad
        elif first:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            reader = csv.DictReader(text)
            if not reader.fieldnames or "organisasjonsnummer" not in reader.fieldnames:
                raise BadUnit("neither JSON nor CSV with an organisasjonsnummer column")
            for row in reader:
                try:
                    yield unit_from_csv(row)
                except BadUnit as bad:
                    yield bad


def _store(batch: dict[str, dict], report: ImportReport, now) -> None:
    existing = {
        values[0]: values[1:]
        for values in Unit.objects.filter(pk__in=batch.keys()).values_list(
            "org_number", *DATA_FIELDS
        )
    }
    changed = []
    for number, unit in batch.items():
        before = existing.get(number)
        if before is None:
            report.created += 1
        elif before == tuple(unit[name] for name in DATA_FIELDS):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        changed.append(Unit(**unit, imported_at=now))
    # With DEBUG on, Django keeps every statement's text: a full file's would fill memory.
    reset_queries()
    if changed:
        with transaction.atomic():
            Unit.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["org_number"],
                update_fields=[*DATA_FIELDS, "imported_at"],
            )


_SEEN = "registry_import_seen"


def _remember(numbers) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_SEEN} (org_number) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608
            [(number,) for number in numbers],
        )


def _mark_absent_deleted(now) -> int:
    """Units the full download no longer has were deleted from the register."""
    table = Unit._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET deleted_on = %s, imported_at = %s WHERE deleted_on IS NULL "  # noqa: S608
            f"AND NOT EXISTS (SELECT 1 FROM {_SEEN} s WHERE s.org_number = {table}.org_number)",
            [timezone.localdate(now), now],
        )
        return cursor.rowcount


def import_units(
    path: Path | str, *, batch_size: int = BATCH_SIZE, full: bool = False
) -> ImportReport:
    """Bring the local copy up to date with a bulk download: new units are added, changed
    ones updated, the same file a second time changes nothing. Units that cannot be read
    are counted (and a few shown), not fatal.

    ``full``: the file is the whole register (the bulk download is): units in the copy
    that it no longer has are marked deleted, today. The numbers seen are kept in a
    temporary table, not in memory.
    """
    report = ImportReport()
    now = timezone.now()
    if full:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_SEEN}")
            cursor.execute(f"CREATE TEMPORARY TABLE {_SEEN} (org_number varchar(9) PRIMARY KEY)")
    try:
        _import(path, batch_size, report, now, full)
        if full:
            report.deleted = _mark_absent_deleted(now)
    finally:
        if full:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {_SEEN}")
    return report


def _import(path, batch_size: int, report: ImportReport, now, full: bool) -> None:
    batch: dict[str, dict] = {}
    for unit in read_units(path):
        report.read += 1
        if isinstance(unit, BadUnit):
            report.bad += 1
            if len(report.bad_examples) < 10:
                report.bad_examples.append(f"unit {report.read}: {unit}")
            continue
        batch[unit["org_number"]] = unit
        if len(batch) >= batch_size:
            _store(batch, report, now)
            if full:
                _remember(batch)
            batch = {}
    if batch:
        _store(batch, report, now)
        if full:
            _remember(batch)
