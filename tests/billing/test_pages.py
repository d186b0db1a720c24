"""The officer's invoice pages and the customer's money page, without a browser:
permissions, the period form's 400s, export and discard asked first, the downloads,
never another organisation's money, and query counts that do not grow with the rows."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing import invoicing
from billing.models import InvoiceBatch, InvoiceLine, Payment
from booking.models import Booking
from tests.billing.scene import commercial, invoiced_booking, local
from tests.factories import MembershipFactory, RoomFactory

pytestmark = pytest.mark.django_db

PERIOD = {"period_from": "2031-03-01", "period_to": "2031-03-31"}


def client_for(user, language="en"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def march(n: int, organisation, room=None, **kwargs) -> list[Booking]:
    """n bookings of 3 h in March 2031 (1 500,00 kr each), one a day."""
    room = room or RoomFactory()
    return [
        invoiced_booking(
            room=room,
            organisation=organisation,
            start=local(2031, 3, 1 + day, 17),
            end=local(2031, 3, 1 + day, 20),
            **kwargs,
        )
        for day in range(n)
    ]


@pytest.fixture
def firm(people):
    firm = commercial()
    MembershipFactory(user=people.bob, organisation=firm, role="admin")
    return firm


def made(people, exported=False) -> InvoiceBatch:
    batch = invoicing.batch_make(
        by=people.olga, period_from=dt.date(2031, 3, 1), period_to=dt.date(2031, 3, 31)
    )
    if exported:
        invoicing.batch_export(batch=batch, by=people.olga)
    return batch


# Permissions


OFFICER_PAGES = [
    ("get", "/invoicing/"),
    ("post", "/invoicing/"),
    ("get", "/invoicing/{b}/"),
    ("post", "/invoicing/{b}/export/"),
    ("post", "/invoicing/{b}/discard/"),
    ("get", "/invoicing/{b}/file/csv/"),
    ("get", "/invoicing/{b}/file/ubw/"),
]


@pytest.mark.parametrize(("method", "path"), OFFICER_PAGES)
def test_anonymous_is_sent_to_log_in(people, firm, method, path):
    march(1, firm)
    batch = made(people)
    response = getattr(Client(), method)(path.format(b=batch.pk), PERIOD | {"confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    batch.refresh_from_db()
    assert batch.status == "draft" and InvoiceBatch.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "bob", "carl"])
@pytest.mark.parametrize(("method", "path"), OFFICER_PAGES)
def test_only_officers_see_or_change_batches(people, firm, who, method, path):
    march(1, firm)
    batch = made(people)
    client = client_for(getattr(people, who))
    response = getattr(client, method)(path.format(b=batch.pk), PERIOD | {"confirmed": "yes"})
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == "draft" and InvoiceBatch.objects.count() == 1


def test_money_page_wants_a_login():
    response = Client().get("/money/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# Making a batch


def test_an_officer_makes_a_draft_batch_and_sees_it_per_customer(people, firm):
    march(2, firm)
    response = client_for(people.olga).post("/invoicing/", PERIOD)
    batch = InvoiceBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/invoicing/{batch.pk}/"
    page = client_for(people.olga).get(f"/invoicing/{batch.pk}/").content.decode()
    assert firm.name in page and "987654325" in page
    assert page.count("1500,00 kr") == 2 and "3000,00 kr" in page
    assert f"/invoicing/{batch.pk}/export/" in page and "/file/" not in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period_from": "2031-03-31", "period_to": "2031-03-01"}, "period_to"),
        ({"period_from": "2031-01-01", "period_to": "2032-06-30"}, "period_to"),
        ({"period_from": "", "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "31.03.2031", "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "0001-01-01", "period_to": "2031-03-01"}, "period_from"),
        ({"period_from": "2031-03-01"}, "period_to"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field_and_makes_nothing(people, firm, data, field):
    march(1, firm)
    response = client_for(people.olga).post("/invoicing/", data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not InvoiceBatch.objects.exists() and not InvoiceLine.objects.exists()


def test_a_customer_without_invoice_address_is_a_warning(people):
    march(1, commercial(invoice_address=""))
    batch = made(people)
    page = client_for(people.olga).get(f"/invoicing/{batch.pk}/").content.decode()
    assert "Bølgen Bryggeri AS has no invoice address." in page


# Export, discard, download


def test_export_is_asked_first_then_the_files_can_be_downloaded(people, firm):
    march(1, firm)
    batch = made(people)
    olga = client_for(people.olga)
    assert olga.get(f"/invoicing/{batch.pk}/file/csv/").status_code == 404  # a draft
    asked = olga.post(f"/invoicing/{batch.pk}/export/")
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft"
    done = olga.post(f"/invoicing/{batch.pk}/export/", {"confirmed": "yes"})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.exported_by) == ("exported", people.olga)
    page = olga.get(f"/invoicing/{batch.pk}/").content.decode()
    assert f"/invoicing/{batch.pk}/file/csv/" in page and f"/invoicing/{batch.pk}/file/ubw/" in page
    csv = olga.get(f"/invoicing/{batch.pk}/file/csv/")
    assert csv["Content-Disposition"] == (
        f'attachment; filename="lokale-fakturagrunnlag-{batch.pk}.csv"'
    )
    assert "1500,00" in csv.content.decode("utf-8-sig")
    ubw = olga.get(f"/invoicing/{batch.pk}/file/ubw/")
    assert ubw["Content-Type"] == "text/plain; charset=iso-8859-1"
    assert "00000000000150000" in ubw.content.decode("iso-8859-1")
    assert olga.get(f"/invoicing/{batch.pk}/file/pdf/").status_code == 404


def test_the_setting_decides_which_file_is_the_accounting_system_s(people, firm, settings):
    march(1, firm)
    batch = made(people, exported=True)
    for fmt, first in [("csv", "file/csv/"), ("ubw", "file/ubw/")]:
        settings.INVOICE_FORMAT = fmt
        page = client_for(people.olga).get(f"/invoicing/{batch.pk}/").content.decode()
        links = [page.index(f"/invoicing/{batch.pk}/file/{f}/") for f in ("csv", "ubw")]
        assert page.index(f"/invoicing/{batch.pk}/{first}") == min(links)


def test_discard_is_asked_first_and_the_bookings_go_to_the_next_batch(people, firm):
    march(1, firm)
    batch = made(people)
    olga = client_for(people.olga)
    asked = olga.post(f"/invoicing/{batch.pk}/discard/")
    assert asked.status_code == 200 and InvoiceBatch.objects.filter(pk=batch.pk).exists()
    done = olga.post(f"/invoicing/{batch.pk}/discard/", {"confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == "/invoicing/"
    assert not InvoiceBatch.objects.filter(pk=batch.pk).exists()
    assert made(people).lines.count() == 1


def test_an_exported_batch_is_not_discarded(people, firm):
    march(1, firm)
    batch = made(people, exported=True)
    response = client_for(people.olga).post(
        f"/invoicing/{batch.pk}/discard/", {"confirmed": "yes"}, follow=True
    )
    assert "cannot change" in response.content.decode()
    assert InvoiceBatch.objects.get(pk=batch.pk).lines.count() == 1


def test_an_unknown_batch_is_a_404(people):
    olga = client_for(people.olga)
    assert olga.get("/invoicing/999999/").status_code == 404
    assert olga.post("/invoicing/999999/export/", {"confirmed": "yes"}).status_code == 404


# Query counts


def queries(user, url) -> int:
    client = client_for(user)
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_batch_list_costs_the_same_for_one_batch_and_many(people, firm):
    room = RoomFactory()
    march(1, firm, room=room)
    made(people, exported=True)
    one = queries(people.olga, "/invoicing/")
    for _ in range(4):
        Booking.objects.filter(status="confirmed").update(status="cancelled")
        march(1, firm, room=room)
        made(people, exported=True)
    assert InvoiceBatch.objects.count() == 5
    assert queries(people.olga, "/invoicing/") == one


def test_the_batch_page_costs_the_same_for_one_line_and_many(people, firm, settings):
    march(1, firm)
    few = made(people, exported=True)
    march(12, commercial(name="Annen AS", org_number="911111111"), room=RoomFactory())
    many = made(people, exported=True)
    assert (few.lines.count(), many.lines.count()) == (1, 12)
    assert queries(people.olga, f"/invoicing/{few.pk}/") == queries(
        people.olga, f"/invoicing/{many.pk}/"
    )


# What I owe and paid


def test_money_shows_my_organisations_and_my_private_bookings_only(people, firm):
    march(1, firm)  # bob administers the firm
    other = commercial(name="Hemmelig Handel AS", org_number="922222222")
    march(1, other, room=RoomFactory())  # nobody here
    invoiced_booking(
        organisation=None,
        booked_by=people.bob,
        payer_name="Bob Privat",
        start=local(2031, 3, 20, 10),
        end=local(2031, 3, 20, 11),
    )
    made(people, exported=True)
    paid = march(1, firm, room=RoomFactory(), payment=Booking.Payment.ONLINE)[0]
    Payment.objects.create(
        booking=paid, provider="vipps", reference="lokale-1", amount_ore=150000,
        state=Payment.State.CAPTURED, captured_ore=150000, refunded_ore=50000,
    )  # fmt: skip
    secret = march(1, other, room=RoomFactory(), payment=Booking.Payment.ONLINE)[0]
    Payment.objects.create(booking=secret, provider="vipps", reference="lokale-2", amount_ore=98700)

    page = client_for(people.bob).get("/money/").content.decode()
    assert firm.name in page and "Bob Privat" in page and "500,00 kr" in page
    assert "Hemmelig Handel" not in page and "987,00" not in page
    assert page.count("1500,00 kr") >= 2  # the firm's line and its payment

    # Alice administers another organisation: none of this is hers.
    page = client_for(people.alice).get("/money/").content.decode()
    assert firm.name not in page and "Bob Privat" not in page and "1500,00" not in page


def test_a_plain_member_does_not_see_the_organisation_s_money(people, firm):
    member = MembershipFactory(organisation=firm, role="member").user
    march(1, firm)
    made(people, exported=True)
    page = client_for(member).get("/money/").content.decode()
    assert firm.name not in page and "1500,00" not in page


def test_a_draft_is_not_yet_owed(people, firm):
    march(1, firm)
    made(people)
    assert "1500,00" not in client_for(people.bob).get("/money/").content.decode()


def test_the_money_page_costs_the_same_for_one_line_and_many(people, firm):
    room = RoomFactory()
    march(1, firm, room=room)
    made(people, exported=True)
    one = queries(people.bob, "/money/")
    Booking.objects.filter(organisation=firm).update(status="cancelled")
    march(8, firm, room=room)
    made(people, exported=True)
    assert InvoiceLine.objects.count() == 1 + 1 + 8  # the credit, and eight new debits
    assert queries(people.bob, "/money/") == one
