"""The invoice batch API: officers only, a bad period a 400 naming the field, money as
øre and kroner, discard and export, the files, and constant query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import invoicing
from billing.models import InvoiceBatch, InvoiceLine
from booking.models import Booking
from tests.billing.scene import commercial
from tests.billing.test_pages import march
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoice-batches/"
PERIOD = {"period_from": "2031-03-01", "period_to": "2031-03-31"}


@pytest.fixture
def firm(people):
    return commercial()


def made(people, exported=False) -> InvoiceBatch:
    batch = invoicing.batch_make(
        by=people.olga, period_from=dt.date(2031, 3, 1), period_to=dt.date(2031, 3, 31)
    )
    if exported:
        invoicing.batch_export(batch=batch, by=people.olga)
    return batch


CALLS = [
    ("get", URL),
    ("post", URL),
    ("get", URL + "{b}/"),
    ("delete", URL + "{b}/"),
    ("post", URL + "{b}/export/"),
    ("get", URL + "{b}/file/csv/"),
]


@pytest.mark.parametrize(("who", "code"), [("anon", 401), ("alice", 403), ("carl", 403)])
@pytest.mark.parametrize(("method", "path"), CALLS)
def test_only_officers(people, firm, client_for, who, code, method, path):
    march(1, firm)
    batch = made(people)
    client = client_for(getattr(people, who))
    response = getattr(client, method)(path.format(b=batch.pk), PERIOD, format="json")
    assert response.status_code == code
    batch.refresh_from_db()
    assert batch.status == "draft" and InvoiceBatch.objects.count() == 1


def test_make_read_export_and_download(people, firm, client_for):
    march(1, firm)
    olga = client_for(people.olga)
    made_ = olga.post(URL, PERIOD, format="json")
    assert made_.status_code == 201
    body = made_.json()
    assert (body["status"], body["line_count"], body["files"]) == ("draft", 1, {})
    (line,) = body["lines"]
    assert (line["amount_ore"], line["amount"], line["unit_price"]) == (150000, "1500.00", "500.00")
    assert (line["kind"], line["customer_org_number"], line["hours"]) == (
        "debit",
        "987654325",
        "3.0000",
    )
    assert line["start"] == "2031-03-01T17:00:00+01:00"
    assert (body["total_ore"], body["total"]) == (150000, "1500.00")
    pk = body["id"]
    assert olga.get(f"{URL}{pk}/file/csv/").status_code == 404  # a draft has no file
    exported = olga.post(f"{URL}{pk}/export/")
    assert exported.status_code == 200 and exported.json()["status"] == "exported"
    assert set(exported.json()["files"]) == {"csv", "ubw"}
    listed = olga.get(URL).json()["results"]
    assert [b["id"] for b in listed] == [pk] and "lines" not in listed[0]
    csv = olga.get(f"{URL}{pk}/file/csv/", HTTP_ACCEPT="text/csv")
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "1500,00" in csv.content.decode("utf-8-sig")
    ubw = olga.get(exported.json()["files"]["ubw"])
    assert ubw.status_code == 200 and "attachment" in ubw["Content-Disposition"]
    assert olga.get(f"{URL}{pk}/file/pdf/").status_code == 404


def test_a_credit_is_negative_in_ore_and_kroner(people, firm, client_for):
    (booking,) = march(1, firm)
    made(people, exported=True)
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    body = client_for(people.olga).post(URL, PERIOD, format="json").json()
    (credit,) = body["lines"]
    assert (credit["kind"], credit["amount_ore"], credit["amount"]) == (
        "credit",
        -150000,
        "-1500.00",
    )
    assert credit["credits"] == InvoiceLine.objects.get(kind="debit").pk
    assert body["total"] == "-1500.00"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period_from": "2031-03-31", "period_to": "2031-03-01"}, "period_to"),
        ({"period_from": "2031-01-01", "period_to": "2032-06-30"}, "period_to"),
        ({"period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "yesterday", "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": 20310301, "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "0001-01-01", "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "2031-03-01", "period_to": None}, "period_to"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(people, firm, client_for, data, field):
    march(1, firm)
    response = client_for(people.olga).post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not InvoiceBatch.objects.exists()


def test_delete_discards_a_draft_but_not_an_exported_batch(people, firm, client_for):
    march(1, firm)
    olga = client_for(people.olga)
    draft = made(people)
    assert olga.delete(f"{URL}{draft.pk}/").status_code == 204
    assert not InvoiceBatch.objects.filter(pk=draft.pk).exists()
    exported = made(people, exported=True)
    refused = olga.delete(f"{URL}{exported.pk}/")
    assert refused.status_code == 400 and "status" in refused.json()
    assert InvoiceBatch.objects.get(pk=exported.pk).lines.count() == 1
    assert olga.delete(f"{URL}999999/").status_code == 404


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_batches_or_lines(people, firm, client_for):
    olga = client_for(people.olga)
    room = RoomFactory()
    march(1, firm, room=room)
    one = made(people, exported=True)
    list_one, detail_one = count(olga, URL), count(olga, f"{URL}{one.pk}/")
    Booking.objects.update(status="cancelled")
    march(9, firm, room=room)
    many = made(people, exported=True)
    for _ in range(3):
        made(people)
    assert many.lines.count() == 10
    assert count(olga, URL) == list_one
    assert count(olga, f"{URL}{many.pk}/") == detail_one
