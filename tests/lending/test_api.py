import json

import pytest
from rest_framework.test import APIClient

from lending.models import Borrower, LoanLine, Reservation
from tests.lending.conftest import days_from_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for, centre):
    return {"dina": client_for(centre.dina), "alice": client_for(centre.people.alice),
            "anon": client_for(None)}  # fmt: skip


def test_the_catalogue_shows_free_units_per_day_to_anyone(api, centre, django_assert_num_queries):
    # the centre named in the query, the types with their units, usable units,
    # reservations, loan lines: five, however many types and days.
    with django_assert_num_queries(5):
        response = api["anon"].get(
            f"/api/v1/lending/item-types/?centre={centre.site.pk}&from={days_from_today(0)}"
            f"&to={days_from_today(2)}"
        )
    assert response.status_code == 200
    tent = next(t for t in response.json() if t["name"] == "Telt 4 personer")
    assert tent["units"] == 3
    assert [d["free"] for d in tent["days"]] == [3, 3, 3]
    assert "per@example.org" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2027-13-01", "from"), ("from=2027-01-10&to=2027-01-01", "to"),
     ("from=2027-01-01&to=2027-06-01", "to"), ("category=boats", "category"),
     ("centre=999999", "centre"), ("from=0001-01-01", "from")],
)  # fmt: skip
def test_a_bad_catalogue_query_is_a_400_naming_the_field(api, centre, query, field):
    response = api["anon"].get(f"/api/v1/lending/item-types/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_member_reserves_for_herself_and_sees_it(api, centre):
    body = {"item_type": centre.tent.pk, "quantity": 2, "start": str(days_from_today(1)),
            "end": str(days_from_today(3))}  # fmt: skip
    response = api["alice"].post("/api/v1/lending/reservations/", body, format="json")
    assert response.status_code == 201, response.json()
    borrower = Borrower.objects.get(user=centre.people.alice)
    assert Reservation.objects.get().borrower == borrower
    assert [r["quantity"] for r in api["alice"].get("/api/v1/lending/reservations/").json()] == [2]


def test_equipment_for_a_room_booking_is_reserved_for_its_day(api, centre):
    from booking import services as booking_services
    from tests.conftest import next_weekday_at

    start = next_weekday_at(5, 12)
    booking = booking_services.booking_create(
        room=centre.people.room, organisation=centre.people.org_a, by=centre.people.alice,
        start=start, end=start.replace(hour=16), title="Loppemarked", attendees=25,
    )  # fmt: skip
    body = {"item_type": centre.tent.pk, "quantity": 2, "booking": booking.pk}
    response = api["alice"].post("/api/v1/lending/reservations/", body, format="json")
    assert response.status_code == 201, response.json()
    reservation = Reservation.objects.get()
    assert (reservation.start, reservation.end) == (start.date(), start.date())
    assert reservation.borrower.organisation == centre.people.org_a
    assert list(booking.equipment.all()) == [reservation]
    other = APIClient()
    other.force_authenticate(centre.people.bob)
    response = other.post("/api/v1/lending/reservations/", body, format="json")
    assert response.status_code == 400 and "booking" in response.json()


BAD_RESERVATIONS = [
    ({"quantity": 1, "start": "2027-01-01", "end": "2027-01-02"}, "item_type"),
    ({"item_type": "x", "quantity": 1, "start": "2027-01-01", "end": "2027-01-02"}, "item_type"),
    ({"item_type": 0, "quantity": -1, "start": "2027-01-01", "end": "2027-01-02"}, "quantity"),
    ({"item_type": 0, "quantity": 1, "start": "i morgen", "end": "2027-01-02"}, "start"),
    ({"item_type": 0, "quantity": 1, "start": "2027-01-01"}, "end"),
    ({"item_type": 0, "quantity": 1, "start": "2020-01-01", "end": "2020-01-02"}, "start"),
    ({"item_type": 0, "quantity": 1, "start": "+1", "end": "-1"}, "end"),
    ({"item_type": 0, "quantity": 1, "start": "+1", "end": "+1", "borrower": 0}, "borrower"),
]


@pytest.mark.parametrize(("body", "field"), BAD_RESERVATIONS)
def test_bad_reservations_are_a_400_naming_the_field(api, centre, body, field):
    body = dict(body)
    for key, value in body.items():
        if value == 0:
            body[key] = centre.tent.pk if key == "item_type" else centre.per.pk
        if isinstance(value, str) and value[:1] in "+-" and value[1:].isdigit():
            body[key] = str(days_from_today(int(value)))
    if "item_type" in body and body["item_type"] == 0:
        body["item_type"] = centre.tent.pk
    response = api["alice"].post("/api/v1/lending/reservations/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Reservation.objects.exists()


def test_counter_over_the_api(api, centre):
    dina = api["dina"]
    found = dina.get("/api/v1/lending/borrowers/?q=91234").json()
    assert [b["name"] for b in found] == ["Per Hansen"]
    codes = [f"T{centre.tent.pk}-1", f"T{centre.skis.pk}-1"]
    scanned = {"borrower": centre.per.pk, "barcodes": [*codes, codes[0]]}
    check = dina.post("/api/v1/lending/loans/check/", scanned, format="json")
    assert [s["reason"] for s in check.json()["scans"]] == ["", "", "duplicate"]
    loan = dina.post("/api/v1/lending/loans/", {"borrower": centre.per.pk, "barcodes": codes},
                     format="json")  # fmt: skip
    assert loan.status_code == 201, loan.json()
    assert [ln["barcode"] for ln in loan.json()["lines"]] == codes
    again = dina.post("/api/v1/lending/loans/", {"borrower": centre.per.pk, "barcodes": codes[:1]},
                      format="json")  # fmt: skip
    assert again.status_code == 409
    assert again.json()["conflicts"][0]["reason"] == "out"
    back = dina.post("/api/v1/lending/returns/", {"barcode": codes[0], "condition": "damaged",
                                                 "note": "Knekt stang"}, format="json")  # fmt: skip
    assert back.status_code == 201 and back.json()["item_status"] == "in_repair"
    twice = dina.post("/api/v1/lending/returns/", {"barcode": codes[0], "condition": "ok"},
                      format="json")  # fmt: skip
    assert twice.status_code == 409 and "er ikke utlånt" in twice.json()["detail"]
    export = dina.get(f"/api/v1/lending/borrowers/{centre.per.pk}/export/").json()
    assert export["borrower"]["phone"] == "+4791234567" and len(export["loans"]) == 1
    assert dina.get("/api/v1/lending/loans/?overdue=true").json() == []
    assert len(dina.get("/api/v1/lending/loans/").json()) == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [("/api/v1/lending/loans/", {"borrower": 0, "barcodes": []}, "barcodes"),
     ("/api/v1/lending/loans/", {"borrower": 0, "barcodes": "T1-1"}, "barcodes"),
     ("/api/v1/lending/loans/", {"borrower": 0, "barcodes": ["X" * 100]}, "barcodes"),
     ("/api/v1/lending/loans/", {"borrower": 0, "barcodes": ["NOPE"]}, "barcodes"),
     ("/api/v1/lending/loans/", {"borrower": 999999, "barcodes": ["NOPE"]}, "borrower"),
     ("/api/v1/lending/loans/", {"borrower": 0, "barcodes": ["T"], "due": "2020-01-01"}, "due"),
     ("/api/v1/lending/returns/", {"barcode": "NOPE", "condition": "ok"}, "barcode"),
     ("/api/v1/lending/returns/", {"barcode": "T", "condition": "wet"}, "condition"),
     ("/api/v1/lending/borrowers/", {"name": "Ola", "phone": "1", "is_minor": True,
                                     "consent": True}, "guardian_name"),
     ("/api/v1/lending/borrowers/", {"name": "", "phone": "1", "consent": True}, "name"),
     ("/api/v1/lending/borrowers/", {"name": "Ola", "phone": "1", "consent": False}, "consent"),
     ("/api/v1/lending/borrowers/", {"name": "Ola", "consent": True}, "phone"),
     ("/api/v1/lending/borrowers/", {"name": "x" * 100_000, "phone": "1", "consent": True},
      "name")],
)  # fmt: skip
def test_bad_counter_input_is_a_400_naming_the_field(api, centre, path, body, field):
    body = json.loads(json.dumps(body).replace('"T"', f'"T{centre.tent.pk}-1"'))
    if body.get("borrower") == 0:
        body["borrower"] = centre.per.pk
    response = api["dina"].post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not LoanLine.objects.exists()
    assert Borrower.objects.count() == 1


@pytest.mark.parametrize("who", ["anon", "alice"])
@pytest.mark.parametrize(
    "path", ["/api/v1/lending/borrowers/", "/api/v1/lending/loans/", "/api/v1/lending/stats/"]
)
def test_the_counter_is_for_staff(api, centre, who, path):
    assert api[who].get(path).status_code in (401, 403)
    assert api[who].post(path, {}, format="json").status_code in (401, 403, 405)
