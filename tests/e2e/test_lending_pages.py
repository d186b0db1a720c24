"""The lending centre in the browser: the catalogue, and a loan at the counter."""

import pytest
from django.contrib.auth.models import Group

from booking.roles import COUNTER_GROUP
from lending.models import Borrower, Item, LoanLine
from tests.e2e.conftest import log_in, visit
from tests.factories import CentreFactory, ItemTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def centre(people):
    dina = UserFactory(username="dina")
    Group.objects.get_or_create(name=COUNTER_GROUP)[0].user_set.add(dina)
    site = CentreFactory(name="Ås frivilligsentral")
    tent = ItemTypeFactory(centre=site, name="Telt 4 personer", units=3)
    skis = ItemTypeFactory(centre=site, name="Langrennski", size="150 cm", category="winter",
                           turnaround_days=2, units=2)  # fmt: skip
    return tent, skis


def test_the_catalogue_shows_free_days_and_a_member_reserves(centre, page):
    tent, _skis = centre
    page.goto("/lending/")
    visit(page, "lending-catalogue-anonymous")
    log_in(page, "alice")
    page.goto("/lending/")
    card = page.locator(f"#type-{tent.pk}")
    assert card.locator(".free-days li").count() == 14
    card.locator("summary").click()
    card.locator("input[name=quantity]").fill("2")
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/lending/**")
    assert "Reservert: 2 × Telt 4 personer" in page.locator(".messages").inner_text()
    visit(page, "lending-catalogue")


def test_at_the_counter_register_scan_three_confirm_and_take_one_back_damaged(centre, page):
    tent, skis = centre
    log_in(page, "dina")
    page.goto("/lending/counter/")
    visit(page, "lending-counter")
    page.fill("#id_name", "Ola Nordmann")
    page.fill("#id_phone", "400 00 123")
    page.locator("label[for=id_consent]").click()
    page.get_by_role("button", name="Registrer").click()
    page.wait_for_url("**/lending/counter/")
    assert "Utlån til Ola Nordmann" in page.locator("main").inner_text()

    codes = [f"T{tent.pk}-1", f"T{tent.pk}-2", f"T{skis.pk}-1"]
    for code in codes:  # as a keyboard-wedge scanner does: the code, then Enter
        scanner = page.locator("#id_barcode")
        scanner.press_sequentially(code)
        scanner.press("Enter")
        page.wait_for_load_state()
        assert f"{code}: lagt til" in page.locator(".scan-result").inner_text()
    assert page.locator(".basket li.ok").count() == 3
    visit(page, "lending-counter-basket")
    page.get_by_role("button", name="Bekreft utlån").click()
    page.wait_for_url("**/lending/loans/*/")
    assert "Ola Nordmann har lånt dette" in page.locator("main").inner_text()
    visit(page, "lending-receipt")
    assert LoanLine.objects.filter(loan__borrower__name="Ola Nordmann").count() == 3

    page.goto("/lending/counter/")
    page.fill("#id_return-barcode", codes[2])
    page.locator("label", has_text="skadet").click()
    page.fill("#id_return-note", "Bindingen løs")
    page.get_by_role("button", name="Ta imot").click()
    page.wait_for_url("**/lending/counter/")
    assert "er levert (skadet)" in page.locator(".messages").inner_text()
    assert Item.objects.get(barcode=codes[2]).status == "in_repair"
    assert Borrower.objects.filter(name="Ola Nordmann").exists()
