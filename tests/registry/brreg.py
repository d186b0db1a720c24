"""Enhetsregisteret for the tests: units in the register's own shapes, bulk files, and a
register API on a real socket."""

import csv
import gzip
import io
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from registry.orgnr import with_check_digit

CSV_COLUMNS = (
    "organisasjonsnummer,navn,organisasjonsform.kode,organisasjonsform.beskrivelse,"
    "naeringskode1.kode,naeringskode1.beskrivelse,harRegistrertAntallAnsatte,antallAnsatte,"
    "hjemmeside,postadresse.adresse,postadresse.poststed,postadresse.postnummer,"
    "postadresse.kommune,postadresse.kommunenummer,postadresse.land,postadresse.landkode,"
    "forretningsadresse.adresse,forretningsadresse.poststed,forretningsadresse.postnummer,"
    "forretningsadresse.kommune,forretningsadresse.kommunenummer,forretningsadresse.land,"
    "forretningsadresse.landkode,institusjonellSektorkode.kode,"
    "institusjonellSektorkode.beskrivelse,registreringsdatoenhetsregisteret,stiftelsesdato,"
    "registrertIMvaRegisteret,registrertIFrivillighetsregisteret,"
    "registrertIForetaksregisteret,registrertIStiftelsesregisteret,konkurs,konkursdato,"
    "underAvvikling,underAvviklingDato,underTvangsavviklingEllerTvangsopplosning,"
    "overordnetEnhet,maalform,vedtektsdato,vedtektsfestetFormaal,aktivitet"
).split(",")


def numbers(count: int, start: int = 31000000):
    """``count`` distinct valid organisation numbers."""
    found, prefix = [], start
    while len(found) < count:
        number = with_check_digit(f"{prefix:08d}")
        if number:
            found.append(number)
        prefix += 1
    return found


def enhet(number: str, name: str, *, form=("FLI", "Forening/lag/innretning"), voluntary=False,
          bankrupt=False, lines=("Storgata 1",), postcode="1430", town="ÅS",
          postal=False) -> dict:  # fmt: skip
    """One unit as ``GET /enheter/{orgnr}`` and the bulk download describe it."""
    address = {
        "land": "Norge",
        "landkode": "NO",
        "postnummer": postcode,
        "poststed": town,
        "adresse": list(lines),
        "kommune": "ÅS",
        "kommunenummer": "3218",
    }
    unit = {
        "organisasjonsnummer": number,
        "navn": name,
        "organisasjonsform": {
            "kode": form[0],
            "beskrivelse": form[1],
            "_links": {"self": {"href": f"https://example.test/organisasjonsformer/{form[0]}"}},
        },
        "registreringsdatoEnhetsregisteret": "2017-10-20",
        "registrertIMvaregisteret": False,
        "naeringskode1": {"kode": "94.991", "beskrivelse": "Aktiviteter i andre organisasjoner"},
        "harRegistrertAntallAnsatte": False,
        "postadresse" if postal else "forretningsadresse": address,
        "registrertIForetaksregisteret": False,
        "registrertIStiftelsesregisteret": False,
        "registrertIFrivillighetsregisteret": voluntary,
        "konkurs": bankrupt,
        "underAvvikling": False,
        "underTvangsavviklingEllerTvangsopplosning": False,
        "maalform": "Bokmål",
        "_links": {"self": {"href": f"https://example.test/enheter/{number}"}},
    }
    if bankrupt:
        unit["konkursdato"] = "2025-09-01"
    return unit


def deleted_enhet(number: str, name: str, on: str = "2024-03-15") -> dict:
    """A deleted unit as the API describes it (with 410 Gone)."""
    return {
        "organisasjonsnummer": number,
        "navn": name,
        "organisasjonsform": {"kode": "FLI", "beskrivelse": "Forening/lag/innretning"},
        "slettedato": on,
        "_links": {"self": {"href": f"https://example.test/enheter/{number}"}},
    }


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "/n".join(v for v in value if v)
    return "" if value is None else str(value)


def csv_row(unit: dict) -> dict:
    row = dict.fromkeys(CSV_COLUMNS, "")
    for key, value in unit.items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                if f"{key}.{inner}" in row:
                    row[f"{key}.{inner}"] = _csv_value(inner_value)
        elif key in row:
            row[key] = _csv_value(value)
    return row


def write_units(path: Path, units, *, kind: str = "json", gzipped: bool = False) -> Path:
    """Write units as the bulk download does: a JSON array or CSV, gzipped or not."""
    opener = gzip.open if gzipped else open
    with opener(path, "wb") as raw, io.TextIOWrapper(raw, "utf-8", newline="") as out:
        if kind == "json":
            out.write("[")
            for n, unit in enumerate(units):
                out.write(("," if n else "") + json.dumps(unit, ensure_ascii=False))
            out.write("]")
        else:
            writer = csv.DictWriter(out, CSV_COLUMNS, quoting=csv.QUOTE_ALL)
            writer.writeheader()
            for unit in units:
                writer.writerow(csv_row(unit))
    return path


class RegisterServer:
    """Enhetsregisteret's ``/enheter/{orgnr}`` on a real socket: 200 for ``units``, 410 with
    a body for ``gone``, 500 for ``broken``, and a stall of ``stall_seconds`` for ``slow``;
    anything else is 404. ``asked`` lists the numbers asked for."""

    def __init__(self):
        self.units: dict[str, dict] = {}
        self.gone: dict[str, dict] = {}
        self.broken: set[str] = set()
        self.slow: set[str] = set()
        self.stall_seconds = 8.0
        self.asked: list[str] = []
        register = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                prefix = "/enhetsregisteret/api/enheter/"
                number = self.path.removeprefix(prefix) if self.path.startswith(prefix) else ""
                register.asked.append(number)
                if number in register.slow:
                    time.sleep(register.stall_seconds)
                if number in register.units:
                    self._answer(200, register.units[number])
                elif number in register.gone:
                    self._answer(410, register.gone[number])
                elif number in register.broken:
                    self._answer(500, {"status": 500, "error": "Internal Server Error"})
                else:
                    self._answer(404, {"status": 404, "error": "Not Found"})

            def _answer(self, status: int, body: dict):
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/enhetsregisteret/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def register_api(settings, timeout: float = 1.0, stall: float = 3.0):
    """A RegisterServer configured as LOKALE_BRREG_URL with a short timeout (its stalls
    last longer than the timeout)."""
    with RegisterServer() as server:
        settings.BRREG_URL = server.url
        settings.BRREG_TIMEOUT = timeout
        server.stall_seconds = stall
        yield server
