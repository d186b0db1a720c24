"""manage.py import_enhetsregisteret: the bulk download into the local copy."""

import datetime as dt
import gc
import gzip
import json
import tracemalloc
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.importer import SAMPLE, import_units
from registry.models import Unit
from tests.registry.brreg import deleted_enhet, enhet, numbers, write_units

pytestmark = pytest.mark.django_db


def _units():
    a, b, c, d = numbers(4)
    return [
        enhet(a, "ÅS TURLAG", voluntary=True, lines=["c/o Kari Nordmann", None, "Postboks 3", ""]),
        enhet(b, "ÅS REGNSKAP AS", form=("AS", "Aksjeselskap"), postal=True, lines=["Postboks 9"]),
        enhet(c, "ÅS BYGG AS", form=("AS", "Aksjeselskap"), bankrupt=True),
        enhet(d, "ÅS KOR", lines=[], postcode="", town=""),
    ]


def _import(path) -> str:
    out = StringIO()
    call_command("import_enhetsregisteret", str(path), stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["json", "csv"])
@pytest.mark.parametrize("gzipped", [False, True])
def test_json_and_csv_gzipped_or_not_load_the_register_s_fields(tmp_path, kind, gzipped):
    units = _units()
    path = write_units(tmp_path / "enheter", units, kind=kind, gzipped=gzipped)
    assert "4 units read: 4 new, 0 changed, 0 unchanged, 0 bad." in _import(path)
    turlag = Unit.objects.get(pk=units[0]["organisasjonsnummer"])
    assert (turlag.name, turlag.form_code, turlag.form_description) == (
        "ÅS TURLAG",
        "FLI",
        "Forening/lag/innretning",
    )
    assert turlag.address == ["c/o Kari Nordmann", "Postboks 3"]
    assert (turlag.postcode, turlag.town, turlag.municipality) == ("1430", "ÅS", "ÅS")
    assert (turlag.municipality_number, turlag.country_code) == ("3218", "NO")
    assert (turlag.voluntary, turlag.bankrupt, turlag.deleted_on) == (True, False, None)
    # Only a postal address: that one is kept.
    regnskap = Unit.objects.get(pk=units[1]["organisasjonsnummer"])
    assert (regnskap.address, regnskap.voluntary, regnskap.form_code) == (
        ["Postboks 9"],
        False,
        "AS",
    )
    assert Unit.objects.get(pk=units[2]["organisasjonsnummer"]).bankrupt is True
    kor = Unit.objects.get(pk=units[3]["organisasjonsnummer"])
    assert (kor.address_lines, kor.postcode) == ("", "")


def test_the_kind_of_file_is_told_by_its_bytes_not_its_name(tmp_path):
    units = _units()
    zipped = write_units(tmp_path / "enheter.csv", units, kind="json", gzipped=True)
    plain = write_units(tmp_path / "enheter.json.gz", units, kind="csv")
    assert "4 new" in _import(zipped)
    assert "4 unchanged" in _import(plain)


def test_the_same_file_again_changes_nothing(tmp_path):
    path = write_units(tmp_path / "enheter.json.gz", _units(), gzipped=True)
    _import(path)
    before = list(Unit.objects.order_by("pk").values())
    assert "4 units read: 0 new, 0 changed, 4 unchanged, 0 bad." in _import(path)
    assert list(Unit.objects.order_by("pk").values()) == before


def test_a_newer_file_refreshes_what_changed_only(tmp_path):
    units = _units()
    _import(write_units(tmp_path / "old.json", units))
    untouched = Unit.objects.get(pk=units[1]["organisasjonsnummer"]).imported_at
    units[0]["navn"] = "ÅS TURLAG OG LØYPELAG"
    units[0]["registrertIFrivillighetsregisteret"] = False
    units.append(enhet(numbers(1, start=32000000)[0], "ÅS HUSFLIDSLAG", voluntary=True))
    assert "5 units read: 1 new, 1 changed, 3 unchanged, 0 bad." in _import(
        write_units(tmp_path / "new.json", units)
    )
    changed = Unit.objects.get(pk=units[0]["organisasjonsnummer"])
    assert (changed.name, changed.voluntary) == ("ÅS TURLAG OG LØYPELAG", False)
    assert changed.imported_at > untouched
    assert Unit.objects.get(pk=units[1]["organisasjonsnummer"]).imported_at == untouched


def test_a_full_download_marks_the_units_it_no_longer_has_deleted(tmp_path):
    units = _units()
    _import(write_units(tmp_path / "yesterday.json", units))
    gone = units.pop(2)["organisasjonsnummer"]
    today = write_units(tmp_path / "today.json.gz", units, gzipped=True)
    assert "1 no longer" not in _import(today)  # without --full nothing is deleted
    assert Unit.objects.get(pk=gone).deleted_on is None
    out = StringIO()
    call_command("import_enhetsregisteret", str(today), "--full", stdout=out)
    assert "0 new, 0 changed, 3 unchanged, 0 bad. 1 no longer in the register" in out.getvalue()
    assert Unit.objects.get(pk=gone).deleted_on == timezone.localdate()
    assert Unit.objects.filter(deleted_on=None).count() == 3
    before = list(Unit.objects.order_by("pk").values())
    out = StringIO()
    call_command("import_enhetsregisteret", str(today), "--full", stdout=out)
    assert "3 unchanged, 0 bad. 0 no longer in the register" in out.getvalue()
    assert list(Unit.objects.order_by("pk").values()) == before


def test_bad_units_are_counted_and_shown_and_the_rest_load(tmp_path):
    good = _units()
    wrong_check_digit = enhet("974760674", "FEIL SJEKKSIFFER")
    no_name = enhet(numbers(1, start=33000000)[0], "")
    odd_flag = enhet(numbers(1, start=34000000)[0], "RART FLAGG")
    odd_flag["konkurs"] = "kanskje"
    path = tmp_path / "enheter.json"
    path.write_text(json.dumps([good[0], wrong_check_digit, "not a unit", no_name, odd_flag,
                                *good[1:]]))  # fmt: skip
    output = _import(path)
    assert "8 units read: 4 new, 0 changed, 0 unchanged, 4 bad." in output
    assert "not an organisation number: '974760674'" in output
    assert "not a yes/no value: 'kanskje'" in output
    assert Unit.objects.count() == 4


def test_a_deleted_unit_keeps_its_deletion_date(tmp_path):
    number = numbers(1)[0]
    _import(write_units(tmp_path / "e.json", [deleted_enhet(number, "ÅS SEILFORENING")]))
    assert Unit.objects.get(pk=number).deleted_on == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "content", [b"", b"just some text\n", b'[{"organisasjonsnummer": ', b"\x1f\x8bnot gzip"]
)
def test_a_file_that_is_not_a_download_is_refused_with_a_message(tmp_path, content):
    path = tmp_path / "enheter.json"
    path.write_bytes(content)
    if content == b"":
        assert "0 units read" in _import(path)
        return
    with pytest.raises(CommandError, match="cannot be read"):
        _import(path)


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "nowhere.json")


def test_the_demo_sample_is_in_the_register_s_json_shape():
    report = import_units(SAMPLE)
    assert (report.read, report.bad) == (20, 0)
    assert Unit.objects.filter(voluntary=True, bankrupt=False, deleted_on=None).count() >= 5
    assert Unit.objects.filter(bankrupt=True).count() == 1
    assert Unit.objects.exclude(deleted_on=None).count() == 1
    # The demo's organisations are in it.
    assert Unit.objects.filter(pk__in=["100000016", "100000024", "100000032"]).count() == 3


def _generated(path, count: int):
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("[")
        for n, number in enumerate(numbers(count, start=40000000)):
            unit = enhet(number, f"GENERERT ENHET {n}", voluntary=n % 7 == 0)
            out.write(("," if n else "") + json.dumps(unit, ensure_ascii=False))
        out.write("]")
    return path


def _peak_while_importing(path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        report = import_units(path, batch_size=500)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.bad == 0
    return peak


def test_memory_does_not_grow_with_the_file(tmp_path):
    """Ten times the units, about the same peak: the file is streamed, written in batches."""
    small = _peak_while_importing(_generated(tmp_path / "small.json.gz", 2_000))
    large = _peak_while_importing(_generated(tmp_path / "large.json.gz", 20_000))
    assert Unit.objects.count() == 20_000  # the small file's units are among them
    # Reading everything at once would take ten times as much (a unit is ~2 kB as a dict).
    print(f"tracemalloc peak: {small:,} B for 2,000 units, {large:,} B for 20,000")
    assert large < small * 1.5 + 1_000_000, (small, large)
