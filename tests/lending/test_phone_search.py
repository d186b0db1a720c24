"""The counter finds a borrower by the start of the phone number, stored as E.164, and on
PostgreSQL reads it from the pattern index instead of the whole table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lending import services
from lending.models import Borrower
from tests.factories import BorrowerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("900 11 222", "+4790011222"),
        ("+47 900 11 222", "+4790011222"),
        ("0047 90011222", "+4790011222"),
        ("4790011222", "+4790011222"),
        ("+46 70 123 45 67", "+46701234567"),
        ("(+47) 900-11-222", "+4790011222"),
        ("", ""),
    ],
)
def test_phone_numbers_are_kept_as_e164(typed, stored):
    assert services.normalise_phone(typed) == stored


@pytest.fixture
def borrowers(db):
    return {
        "per": BorrowerFactory(name="Per Hansen", phone="+4791234567"),
        "kari": BorrowerFactory(name="Kari Nordmann", phone="+4790011222"),
        "sven": BorrowerFactory(name="Sven Svensson", phone="+46701234567"),
    }


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("900 11", ["Kari Nordmann"]),
        ("900", ["Kari Nordmann"]),
        ("9", []),  # too short to be a phone search: a name search, nobody
        ("+47 9", ["Kari Nordmann", "Per Hansen"]),
        ("+46 70", ["Sven Svensson"]),
        ("0046 701", ["Sven Svensson"]),
        ("912 34 567", ["Per Hansen"]),
        ("234 567", []),  # the middle of a number is not its start
        ("hansen", ["Per Hansen"]),
    ],
)
def test_a_borrower_is_found_by_the_start_of_the_number(borrowers, query, names):
    assert [b.name for b in services.borrower_search(query)] == names


@pytest.mark.postgres
def test_the_phone_search_reads_the_prefix_index(borrowers):
    if connection.vendor != "postgresql":
        pytest.skip("the planner asked is PostgreSQL's")
    Borrower.objects.bulk_create(
        BorrowerFactory.build(name=f"Låner {n}", phone=f"+47{40000000 + n * 7}")
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE lending_borrower")
    with CaptureQueriesContext(connection) as queries:
        assert [b.name for b in services.borrower_search("900 11")] == ["Kari Nordmann"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "borrower_phone_prefix_idx" in plan, plan
