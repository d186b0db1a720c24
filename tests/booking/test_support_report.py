"""The support report: what the municipality gave voluntary organisations in a year."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from booking import services
from booking.models import Booking
from booking.reports import CSV_COLUMNS, support_report, support_report_csv
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import OrganisationFactory, RoomFactory

pytestmark = pytest.mark.django_db


def combined(years):
    """The report rows of several years added up per organisation name."""
    rows = {}
    for year in years:
        with translation.override("en"):
            report = support_report(year)
        for row in report.organisations:
            total = rows.setdefault(row.name, [0, Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
            total[0] += row.bookings
            total[1] += row.hours
            total[2] += row.full
            total[3] += row.paid
            total[4] += row.waived
    return rows


def test_the_demo_municipality_matches_the_figures_worked_out_by_hand():
    call_command("seed_demo", stdout=io.StringIO())
    years = {b.start.astimezone(OSLO).year for b in Booking.objects.all()}
    # By hand, from seed_demo's bookings and prices and the default rules (confirmed only):
    # Sjakklubb (verified voluntary): Klasserom 5A 2 h × 200, Møterom Fjorden 2 h × 250,
    #   Aulaen 6 h × 1500 (approved) = 9,900 kr full, all waived.
    # Skolekorps (verified voluntary): Musikkrommet 2 h × 300 = 600 kr, waived; its concert
    #   in Aulaen still awaits approval and does not count.
    # Regnskap AS (commercial): Storsalen 6 h × 900 = 5,400 kr, paid.
    # A private person: Storsalen 5 h × 900 = 4,500 kr, paid.
    d = Decimal
    assert combined(years) == {
        "Fjordvik Sjakklubb": [3, d("10.00"), d("9900.00"), d(0), d("9900.00")],
        "Fjordvik Skolekorps": [1, d("2.00"), d("600.00"), d(0), d("600.00")],
        "Fjordvik Regnskap AS": [1, d("6.00"), d("5400.00"), d("5400.00"), d(0)],
        "Private persons": [1, d("5.00"), d("4500.00"), d("4500.00"), d(0)],
    }


def test_rooms_show_booked_hours_against_open_hours(people):
    room = RoomFactory(hours=[(d, dt.time(16), dt.time(22)) for d in range(7)])
    start = next_weekday_at(1, 18)
    services.booking_create(
        room=room, organisation=people.org_a, by=people.alice, start=start,
        end=start + dt.timedelta(hours=3), title="Øving", attendees=5,
    )  # fmt: skip
    year = start.year
    use = next(r for r in support_report(year).rooms if r.room_id == room.pk)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    assert use.open_hours == Decimal(6 * days)
    assert use.booked_hours == Decimal(3)


def test_the_csv_opens_with_the_right_columns_and_norwegian_letters(people):
    organisation = OrganisationFactory(name="Ærlige Østfold Ås-lag", org_number="974760673")
    people.alice.memberships.create(organisation=organisation, role="admin")
    start = next_weekday_at(2, 18)
    services.booking_create(
        room=people.room, organisation=organisation, by=people.alice, start=start,
        end=start + dt.timedelta(hours=2, minutes=30), title="Årsmøte", attendees=5,
    )  # fmt: skip
    with translation.override("nb"):
        text = support_report_csv(support_report(start.year))
    assert text.startswith("\ufeff")
    data = text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == CSV_COLUMNS
    row = next(r for r in rows if r[0] == "Ærlige Østfold Ås-lag")
    assert row[1:] == ["974760673", "voluntary", "1", "2,50", "1250,00", "0,00", "1250,00", "0"]
    assert rows[-1][0] == "Totalt"


def test_the_report_is_for_officers_in_api_page_and_download(people, client_for):
    year = next_weekday_at(1, 0).year
    assert client_for(people.alice).get(f"/api/v1/reports/support/?year={year}").status_code == 403
    api = client_for(people.olga).get(f"/api/v1/reports/support/?year={year}")
    assert api.status_code == 200
    assert api.json()["currency"] == "NOK" and "organisations" in api.json()
    bad = client_for(people.olga).get("/api/v1/reports/support/?year=tjue")
    assert bad.status_code == 400 and "year" in bad.json()
    web = Client()
    web.force_login(people.olga)
    assert web.get(f"/reports/support/?year={year}").status_code == 200
    download = web.get(f"/reports/support.csv?year={year}")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert f"stotte-{year}.csv" in download["Content-Disposition"]
    web.force_login(people.alice)
    assert web.get(f"/reports/support.csv?year={year}").status_code == 403
