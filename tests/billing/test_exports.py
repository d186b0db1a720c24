"""The export files, byte for byte: a fixed batch (tests/billing/scene.py) against the
golden files in tests/billing/golden/. UPDATE_GOLDEN=1 writes them anew (then read the
difference before committing it)."""

import os
from pathlib import Path

import pytest
from django.utils import translation

from billing import exports
from billing.exports import kroner, ubw
from billing.models import InvoiceBatch
from tests.billing.scene import golden_scene  # noqa: F401

GOLDEN = Path(__file__).parent / "golden"


def golden(name: str, content: bytes) -> bytes:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(content)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("fmt", "name", "content_type"),
    [
        ("csv", "batch.csv", "text/csv; charset=utf-8"),
        ("ubw", "batch.ubw.txt", "text/plain; charset=iso-8859-1"),
    ],
)
def test_the_files_match_the_golden_files_byte_for_byte(golden_scene, fmt, name, content_type):  # noqa: F811
    filename, content, kind = exports.render(golden_scene.batch, fmt)
    assert content == golden(name, content)
    assert kind == content_type
    assert filename.startswith("lokale-fakturagrunnlag-9001")


def test_the_csv_is_excel_s_kind_with_exact_amounts_and_no_formula(golden_scene):  # noqa: F811
    _name, content, _kind = exports.render(golden_scene.batch, "csv")
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    rows = [row.split(";") for row in text.split("\r\n") if row]
    header, *lines = rows
    assert len(lines) == 3 and header[0] == "Bunt"
    amount = header.index("Beløp (kr)")
    assert [row[amount] for row in lines] == ["-1000,00", "1500,00", "1250,00"]
    assert [row[header.index("Timer")] for row in lines] == ["2,00", "3,00", "2,50"]
    names = [row[header.index("Navn")] for row in lines]
    assert "'=Åse Ørn" in names and "Bølgen Bryggeri AS" in names
    assert lines[1][header.index("Kunde")] == "987654325"
    assert lines[1][header.index("Adresse")] == "Postboks 12, 1430 Ås"
    # The site's own codes come before the settings' defaults.
    assert lines[2][header.index("Ansvar")] == "724500"
    assert lines[1][header.index("Ansvar")] == "724300"


def test_the_ubw_file_has_a_header_item_and_text_record_per_line(golden_scene):  # noqa: F811
    _name, content, _kind = exports.render(golden_scene.batch, "ubw")
    records = content.decode("iso-8859-1").split("\r\n")
    assert records[-1] == ""
    records = records[:-1]
    assert {len(r) for r in records} == {ubw.RECORD_LENGTH} == {1905}
    # Two orders (the firm: credit and debit; the person: one debit) of 1 + 2 × lines.
    assert len(records) == (1 + 2 * 2) + (1 + 2 * 1)

    def value(record, name):
        start = 0
        for field, width in ubw.LAYOUT:
            if field == name:
                return record[start : start + width]
            start += width
        raise KeyError(name)

    header, credit, credit_text, debit = records[:4]
    assert value(header, "accept_flag") == "1"
    assert value(header, "order_id") == "090010001"
    assert value(header, "apar_name").rstrip() == "Bølgen Bryggeri AS"
    assert value(header, "tekst3").rstrip() == "987654325"
    assert (value(header, "zip_code").rstrip(), value(header, "place").rstrip()) == ("1430", "Ås")
    assert value(header, "confirm_date") == " " * 9 + "20310201"
    assert value(header, "period") == "00203102"
    assert value(credit, "amount") == "-0000000000100000"
    assert value(debit, "amount") == "00000000000150000"
    assert value(debit, "article").rstrip() == "16300"
    assert value(debit, "dim_1").rstrip() == "724300"
    assert value(debit, "tax_code") == " 0"
    assert value(credit_text, "sequence_no") == "00000001"
    assert value(credit_text, "short_info").startswith("Kreditering: Leie av Gymsal, Åsgård")
    assert value(header, "long_info1").rstrip() == "Leie av lokaler 01.01.2031-31.01.2031"
    # Latin-1 keeps æ, ø and å; the dash of the time span becomes a hyphen.
    assert "17:00-20:00" in value(records[4], "short_info")


def test_a_draft_has_no_file_and_an_unknown_format_is_refused(golden_scene):  # noqa: F811
    batch = golden_scene.batch
    InvoiceBatch.objects.filter(pk=batch.pk).update(status=InvoiceBatch.Status.DRAFT)
    batch.refresh_from_db()
    with pytest.raises(exports.NotExported):
        exports.render(batch, "csv")
    with pytest.raises(exports.UnknownFormat):
        exports.render(golden_scene.earlier, "pdf")


def test_kroner_are_exact_from_ore():
    assert kroner(150000) == "1500,00"
    assert kroner(-150000) == "-1500,00"
    assert kroner(5) == "0,05"
    assert kroner(-5, ".") == "-0.05"
    assert kroner(123456789012345) == "1234567890123,45"


def test_latin1_keeps_norwegian_letters_and_replaces_what_it_lacks():
    assert ubw.latin1("Æsj, ø og å – “ok” ğ\nneste") == 'Æsj, ø og å - "ok" g neste'
    assert ubw.latin1("☃") == "?"


def test_codes_too_long_for_ubw_are_named(golden_scene, settings):  # noqa: F811
    settings.INVOICE_VOUCHER_TYPE = ""
    lines = list(golden_scene.batch.lines.all())
    lines[0].client = "KOMMUNE"
    with translation.override("en"):
        found = ubw.problems(lines)
    assert any("KOMMUNE" in text for text in found)
    assert any("voucher type" in text for text in found)


def test_the_file_offered_first_is_the_setting_s(settings):
    settings.INVOICE_FORMAT = "csv"
    assert exports.formats() == ["csv", "ubw"]
    settings.INVOICE_FORMAT = "ubw"
    assert exports.formats() == ["ubw", "csv"]
