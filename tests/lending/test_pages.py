import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lending.models import Borrower, Item, LoanLine, Reservation
from tests.factories import ItemTypeFactory
from tests.lending.conftest import days_from_today

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_catalogue_is_for_anyone_and_costs_the_same_for_many_types(centre):
    for n in range(40):
        ItemTypeFactory(centre=centre.site, name=f"Ski {n}", units=2)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(None).get("/lending/")
    assert page.status_code == 200
    assert len(queries) <= 6  # types with units, usable units, reservations, loans, session…
    text = page.content.decode()
    assert "Telt 4 personer" in text and "Per Hansen" not in text
    assert text.count('class="card item-type"') == 42


def test_a_member_reserves_from_the_catalogue(centre):
    client = client_for(centre.people.alice)
    response = client.post(f"/lending/item-types/{centre.tent.pk}/reserve/", {
        "quantity": 2, "start": days_from_today(1), "end": days_from_today(2), "next": "/lending/",
    }, follow=True)  # fmt: skip
    assert "Reservert: 2 × Telt 4 personer" in response.content.decode()
    assert Reservation.objects.get().borrower.user == centre.people.alice
    response = client.post(f"/lending/item-types/{centre.tent.pk}/reserve/", {
        "quantity": 2, "start": days_from_today(1), "end": days_from_today(2),
        "next": "https://evil.example/",
    })  # fmt: skip
    assert response["Location"] == f"/lending/#type-{centre.tent.pk}"


def test_the_counter_from_registration_to_return(centre):
    dina = client_for(centre.dina)
    response = dina.post("/lending/counter/borrowers/", {
        "name": "Ola Nordmann", "phone": "400 00 123", "language": "nb", "is_minor": "on",
        "guardian_name": "Kari Nordmann", "consent": "on",
    })  # fmt: skip
    assert response.status_code == 302
    ola = Borrower.objects.get(name="Ola Nordmann")
    codes = [f"T{centre.tent.pk}-1", f"T{centre.skis.pk}-1", f"T{centre.tent.pk}-1"]
    for code in codes:
        dina.post("/lending/counter/scan/", {"barcode": code})
    page = dina.get("/lending/counter/").content.decode()
    assert "Allerede skannet inn i dette lånet." in page and page.count('<li class="ok">') == 2
    dina.post("/lending/counter/scan/1/remove/")
    assert f"T{centre.skis.pk}-1" not in dina.get("/lending/counter/").content.decode()
    dina.post("/lending/counter/scan/", {"barcode": codes[1]})
    response = dina.post("/lending/counter/checkout/", {"due": days_from_today(3)})
    assert response.status_code == 302, response.content
    receipt = dina.get(response["Location"]).content.decode()
    assert "Ola Nordmann" in receipt and f"T{centre.skis.pk}-1" in receipt
    assert LoanLine.objects.filter(loan__borrower=ola).count() == 2
    damaged = {"return-barcode": codes[1], "return-condition": "damaged",
               "return-note": "Bindingen løs"}  # fmt: skip
    dina.post("/lending/counter/return/", damaged)
    assert Item.objects.get(barcode=codes[1]).status == "in_repair"
    again = {"return-barcode": codes[1], "return-condition": "ok"}
    back = dina.post("/lending/counter/return/", again, follow=True)
    assert "er ikke utlånt" in back.content.decode()


def test_choosing_another_borrower_empties_the_counter(centre):
    dina = client_for(centre.dina)
    dina.get(f"/lending/counter/?borrower={centre.per.pk}")
    assert "Utlån til Per Hansen" in dina.get("/lending/counter/").content.decode()
    for query in ("?borrower=", "?borrower=abc", "?borrower=999999"):
        page = dina.get(f"/lending/counter/{query}")
        assert page.status_code == 200 and "Finn låneren" in page.content.decode()


def test_registering_a_minor_without_a_guardian_says_so(centre):
    response = client_for(centre.dina).post("/lending/counter/borrowers/", {
        "name": "Ola", "phone": "400", "language": "nb", "is_minor": "on", "consent": "on",
    })  # fmt: skip
    assert response.status_code == 400
    assert "trenger navnet på en foresatt" in response.content.decode()
    assert not Borrower.objects.filter(name="Ola").exists()


def test_staff_pages(centre):
    dina = client_for(centre.dina)
    labels = dina.get(f"/lending/labels/?type={centre.tent.pk}").content.decode()
    assert labels.count("<svg") == 3 and f"T{centre.tent.pk}-3" in labels
    assert dina.get("/lending/overdue/").status_code == 200
    assert dina.get("/lending/stats/").status_code == 200
    csv = dina.get("/lending/stats.csv")
    assert csv["Content-Type"] == "text/csv"
    export = json.loads(dina.get(f"/lending/borrowers/{centre.per.pk}/export.json").content)
    assert export["borrower"]["name"] == "Per Hansen"


@pytest.mark.parametrize(
    "path", ["/lending/counter/", "/lending/overdue/", "/lending/labels/", "/lending/stats/",
             "/lending/stats.csv", "/lending/borrowers/{per}/export.json"],
)  # fmt: skip
def test_staff_pages_are_not_for_members(centre, path):
    response = client_for(centre.people.alice).get(path.format(per=centre.per.pk))
    assert response.status_code == 403


def test_equipment_for_a_booking_from_its_page(centre):
    from booking import services as booking_services
    from tests.conftest import next_weekday_at

    start = next_weekday_at(5, 12)
    booking = booking_services.booking_create(
        room=centre.people.room, organisation=centre.people.org_a, by=centre.people.alice,
        start=start, end=start.replace(hour=15), title="Basar", attendees=25,
    )  # fmt: skip
    alice = client_for(centre.people.alice)
    page = alice.post(f"/lending/bookings/{booking.pk}/equipment/",
                      {"item_type": centre.tent.pk, "quantity": 2}, follow=True)  # fmt: skip
    text = page.content.decode()
    assert "Utstyr til arrangementet" in text and "2 × Telt 4 personer" in text
    bob = client_for(centre.people.bob)
    assert bob.post(f"/lending/bookings/{booking.pk}/equipment/",
                    {"item_type": centre.tent.pk, "quantity": 1}).status_code == 404  # fmt: skip


def test_a_member_sees_and_cancels_her_reservation_and_no_one_else_can(centre):
    alice = client_for(centre.people.alice)
    alice.post(f"/lending/item-types/{centre.tent.pk}/reserve/",
               {"quantity": 1, "start": days_from_today(1), "end": days_from_today(2)})  # fmt: skip
    reservation = Reservation.objects.get()
    assert "Dine reservasjoner" in alice.get("/lending/").content.decode()
    bob = client_for(centre.people.bob)
    assert bob.post(f"/lending/reservations/{reservation.pk}/cancel/").status_code == 404
    alice.post(f"/lending/reservations/{reservation.pk}/cancel/")
    reservation.refresh_from_db()
    assert reservation.status == "cancelled"
