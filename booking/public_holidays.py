"""Norway's public holidays (helligdager), named in the visitor's language.

Only the named holidays of the Public Holidays Act count; the `holidays` package can
also list every Sunday, which is switched off here.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import translation

# The package names the holidays in bokmål ("no") and English; nynorsk readers get bokmål.
PACKAGE_LANGUAGE = {"en": "en_US"}


def _package_language() -> str:
    language = (translation.get_language() or "nb").split("-")[0]
    return PACKAGE_LANGUAGE.get(language, "no")


@lru_cache(maxsize=64)
def _year(year: int, language: str) -> dict[dt.date, str]:
    calendar = holidays.country_holidays("NO", years=year, language=language, include_sundays=False)
    return dict(calendar.items())


def public_holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Each public holiday from ``first`` to ``last`` (inclusive) with its name in the
    active language (several on one day are joined with "; "). Reads no database."""
    language = _package_language()
    found = {}
    for year in range(first.year, last.year + 1):
        found.update(
            (day, name) for day, name in _year(year, language).items() if first <= day <= last
        )
    return dict(sorted(found.items()))
