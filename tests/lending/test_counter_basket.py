"""At the counter a refused scan is answered and never lands in the basket, so it is never
submitted for checkout; a code refused later (lent elsewhere) is taken out and named."""

import pytest
from django.test import Client

from lending import counter
from lending.models import Item, LoanLine
from tests.factories import BorrowerFactory
from tests.lending.conftest import days_from_today

pytestmark = pytest.mark.django_db

BASKET = "lending_counter"


@pytest.fixture
def dina(centre):
    client = Client()
    client.force_login(centre.dina)
    client.get(f"/lending/counter/?borrower={centre.per.pk}")
    return client


def scan(client, code: str) -> str:
    return client.post("/lending/counter/scan/", {"barcode": code}, follow=True).content.decode()


def basket(client) -> list[str]:
    return client.session[BASKET]["codes"]


@pytest.mark.parametrize(
    ("setup", "refused", "says"),
    [
        ("unknown", "NOPE-1", "Ingen enhet har denne strekkoden."),
        ("duplicate", "T{tent}-1", "Allerede skannet inn i dette lånet."),
        ("retired", "T{tent}-2", "er tatt ut av bruk"),
        ("out", "T{tent}-3", "er allerede utlånt til noen andre"),
    ],
)
def test_a_refused_scan_is_answered_and_left_out_of_the_basket(centre, dina, setup, refused, says):
    if setup == "retired":
        Item.objects.filter(barcode=f"T{centre.tent.pk}-2").update(status="retired")
    if setup == "out":
        counter.loan_create(by=centre.dina, borrower=BorrowerFactory(),
                            barcodes=[f"T{centre.tent.pk}-3"])  # fmt: skip
    scan(dina, f"T{centre.tent.pk}-1")
    page = scan(dina, refused.format(tent=centre.tent.pk))
    assert says in page and "Ikke lagt til i lånet." in page
    assert basket(dina) == [f"T{centre.tent.pk}-1"]
    assert page.count('<li class="ok">') == 1 and 'class="refused"' not in page
    response = dina.post("/lending/counter/checkout/", {"due": days_from_today(3)})
    assert response.status_code == 302 and "/lending/loans/" in response["Location"]
    assert list(LoanLine.objects.filter(loan__borrower=centre.per).values_list(
        "item__barcode", flat=True)) == [f"T{centre.tent.pk}-1"]  # fmt: skip


def test_over_the_borrowers_maximum_is_refused_at_the_scan(centre, dina):
    centre.tent.max_per_borrower = 1
    centre.tent.save()
    scan(dina, f"T{centre.tent.pk}-1")
    page = scan(dina, f"T{centre.tent.pk}-2")
    assert "kan ha høyst 1" in page
    assert basket(dina) == [f"T{centre.tent.pk}-1"]


def test_a_code_lent_elsewhere_after_its_scan_is_taken_out_and_named(centre, dina):
    first, second = f"T{centre.tent.pk}-1", f"T{centre.skis.pk}-1"
    scan(dina, first)
    scan(dina, second)
    counter.loan_create(by=centre.dina, borrower=BorrowerFactory(), barcodes=[second])
    page = dina.get("/lending/counter/").content.decode()
    assert f"{second}: " in page and "Tatt ut av lånet." in page
    assert basket(dina) == [first]


def test_a_checkout_refused_under_lock_leaves_the_refused_code_out(centre, dina):
    first, second = f"T{centre.tent.pk}-1", f"T{centre.skis.pk}-1"
    scan(dina, first)
    scan(dina, second)
    Item.objects.filter(barcode=second).update(status="in_repair")
    response = dina.post("/lending/counter/checkout/", {"due": days_from_today(3)}, follow=True)
    assert "Noe kan ikke lånes ut." in response.content.decode()
    assert not LoanLine.objects.exists()
    assert basket(dina) == [first]
    done = dina.post("/lending/counter/checkout/", {"due": days_from_today(3)})
    assert "/lending/loans/" in done["Location"]
    assert LoanLine.objects.get().item.barcode == first


def test_a_full_basket_refuses_the_next_scan(centre, dina):
    session = dina.session
    session[BASKET] = {"borrower": centre.per.pk, "codes": [f"X{n}" for n in range(50)]}
    session.save()
    page = scan(dina, f"T{centre.tent.pk}-1")
    assert "Høyst 50 enheter i ett lån." in page
    assert f"T{centre.tent.pk}-1" not in dina.session[BASKET]["codes"]
