"""CSV files for spreadsheets, the one way every export writes them.

A cell that starts with = + - @, a tab or a carriage return is read by Excel and
LibreOffice as a formula (=HYPERLINK(...), -1+cmd|...), so text typed by users (an
organisation's name) could run in an officer's spreadsheet. Such a cell gets a leading
single quote, as OWASP advises ("CSV Injection"); a plain number such as -12,50 is left be.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value):
    """The value as a spreadsheet will show it, never as a formula it would compute."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_csv(rows: Iterable[Sequence]) -> str:
    """Semicolon-separated rows, CRLF line ends, UTF-8 with a byte-order mark: what Excel
    in Norway opens with the columns and the letters æ, ø and å intact. No cell is a
    formula (see safe_cell)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
