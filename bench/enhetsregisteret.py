r"""import_enhetsregisteret on a generated 200,000-unit download: peak memory and time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lokale \
        .venv/bin/python bench/enhetsregisteret.py

Works on its own database, `lokale_bench_brreg` on the server DATABASE_URL names (dropped
and made again). Writes a gzipped JSON array of units in Brønnøysund's shape (the bulk
download's, ~1.5 kB of JSON each, with addresses, codes and links) to a temporary
directory, then runs `manage.py import_enhetsregisteret --full FILE` twice, each in a child
process with production settings (DEBUG off). The child's peak resident memory
(ru_maxrss) and CPU time come from the kernel's rusage of that child (os.wait4, the
per-child form of getrusage(RUSAGE_CHILDREN)); the wall time is the parent's clock. The
second run must change nothing. Fails when a budget is missed.
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.orgnr import with_check_digit  # noqa: E402

BENCH_DB = "lokale_bench_brreg"
API = "https://data.brreg.no/enhetsregisteret/api"
ACTIVITY = "Aktiviteter i andre interesseorganisasjoner ikke nevnt annet sted"
UNITS = 200_000
BUDGET_MB, BUDGET_S = 200, 60
FORMS = [("FLI", "Forening/lag/innretning"), ("AS", "Aksjeselskap"),
         ("ENK", "Enkeltpersonforetak"), ("STI", "Stiftelse")]  # fmt: skip


def unit(number: str, n: int) -> dict:
    form = FORMS[n % len(FORMS)]
    address = {
        "land": "Norge",
        "landkode": "NO",
        "postnummer": f"{n % 9000 + 1000:04d}",
        "poststed": f"STED {n % 3000}",
        "adresse": [f"c/o Person {n}", f"Gate {n % 500} {n % 97}"] if n % 5 == 0 else
                   [f"Gate {n % 500} {n % 97}"],
        "kommune": f"KOMMUNE {n % 356}",
        "kommunenummer": f"{n % 356 + 3000:04d}",
    }  # fmt: skip
    return {
        "organisasjonsnummer": number,
        "navn": f"BENCH ENHET NUMMER {n} {form[0]}",
        "organisasjonsform": {
            "kode": form[0],
            "beskrivelse": form[1],
            "_links": {
                "self": {
                    "href": "https://data.brreg.no/enhetsregisteret/api/"
                    f"organisasjonsformer/{form[0]}"
                }
            },
        },
        "registreringsdatoEnhetsregisteret": "2012-06-26",
        "registrertIMvaregisteret": n % 3 == 0,
        "naeringskode1": {
            "kode": "94.991",
            "beskrivelse": "Aktiviteter i andre interesseorganisasjoner ikke nevnt annet sted",
        },
        "harRegistrertAntallAnsatte": False,
        "forretningsadresse": address,
        "postadresse": address if n % 4 == 0 else None,
        "stiftelsesdato": "2012-06-14",
        "institusjonellSektorkode": {"kode": "7000", "beskrivelse": "Ideelle organisasjoner"},
        "registrertIForetaksregisteret": form[0] == "AS",
        "registrertIStiftelsesregisteret": form[0] == "STI",
        "registrertIFrivillighetsregisteret": form[0] == "FLI" and n % 2 == 0,
        "konkurs": n % 1000 == 7,
        "underAvvikling": False,
        "underTvangsavviklingEllerTvangsopplosning": False,
        "maalform": "Bokmål",
        "vedtektsfestetFormaal": ["Å drive frivillig aktivitet for barn, unge og voksne."],
        "aktivitet": ["Frivillig aktivitet."],
        "_links": {
            "self": {"href": f"https://data.brreg.no/enhetsregisteret/api/enheter/{number}"}
        },
    }


def generate(path: Path, count: int) -> int:
    written, prefix = 0, 80_000_000
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        out.write("[")
        while written < count:
            number = with_check_digit(f"{prefix:08d}")
            prefix += 1
            if number is None:
                continue
            out.write(
                ("," if written else "") + json.dumps(unit(number, written), ensure_ascii=False)
            )
            written += 1
        out.write("]")
    return path.stat().st_size


def database_urls(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"bench needs a PostgreSQL DATABASE_URL, not {parts.scheme!r}")
    return (
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
        urlunsplit(parts._replace(path="/postgres")),
    )


def child_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench",
    }


def manage(url: str, *args: str) -> tuple[str, float, float, float]:
    """Run manage.py in a child; its output, wall seconds, peak RSS (MB) and CPU seconds."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=child_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return output.strip(), wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def count_rows(url: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        rows, latest = conn.execute(
            "SELECT count(*), max(imported_at)::text FROM registry_unit"
        ).fetchone()
    return rows, latest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=UNITS)
    args = parser.parse_args()
    bench_url, admin_url = database_urls(os.environ.get("DATABASE_URL", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    manage(bench_url, "migrate", "--verbosity", "0")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "enheter_alle.json.gz"
        started = time.monotonic()
        size = generate(path, args.units)
        print(f"generated {args.units:,} units: {size / 1e6:.1f} MB gzipped "
              f"in {time.monotonic() - started:.1f} s")  # fmt: skip
        runs = []
        for run in (1, 2):
            output, wall, peak, cpu = manage(
                bench_url, "import_enhetsregisteret", "--full", str(path)
            )
            rows, latest = count_rows(bench_url)
            runs.append((output, rows, latest))
            print(f"run {run}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB; "
                  f"{rows:,} rows; {output}")  # fmt: skip
            if peak >= BUDGET_MB:
                failures.append(f"run {run}: peak RSS {peak:.0f} MB ≥ {BUDGET_MB} MB")
            if wall >= BUDGET_S:
                failures.append(f"run {run}: {wall:.1f} s ≥ {BUDGET_S} s")
    if runs[0][1] != args.units or f"{args.units} new" not in runs[0][0]:
        failures.append(f"first run did not add {args.units} units: {runs[0][0]}")
    if f"{args.units} unchanged" not in runs[1][0] or runs[1][1:] != runs[0][1:]:
        failures.append(f"second run changed something: {runs[1]}")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
