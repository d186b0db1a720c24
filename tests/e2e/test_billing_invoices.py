"""Invoicing in a real browser: an officer makes a batch over a business's booking,
previews it, exports it (asked first) and downloads both files, whose contents are
checked; the business's administrator reads what it owes on /money/. The batch list,
the batch page and /money/ pass axe, fit 360 px and have big enough touch targets."""

from pathlib import Path

import pytest

from billing.models import InvoiceBatch
from tests.billing.scene import commercial, invoiced_booking, local
from tests.e2e.conftest import log_in, visit
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_makes_exports_and_downloads_a_batch(people, new_page):
    firm = commercial(name="Bølgen Bryggeri AS")
    MembershipFactory(user=people.bob, organisation=firm, role="admin")
    booking = invoiced_booking(
        room=people.room,
        organisation=firm,
        start=local(2031, 3, 4, 17),
        end=local(2031, 3, 4, 20),
        price_rule_name="Næring",
    )

    olga = new_page()
    log_in(olga, "olga")
    olga.goto("/invoicing/")
    visit(olga, "billing-batches")
    olga.fill("#id_period_from", "2031-03-01")
    olga.fill("#id_period_to", "2031-03-31")
    olga.get_by_role("button", name="Lag utkast til bunt").click()
    batch = InvoiceBatch.objects.get()
    olga.wait_for_url(f"**/invoicing/{batch.pk}/")
    preview = olga.locator("main").inner_text()
    assert "Bølgen Bryggeri AS" in preview and "1500,00 kr" in preview
    visit(olga, "billing-batch-draft")

    olga.get_by_role("button", name="Eksporter …").click()
    assert "Eksportere bunten?" in olga.locator("h1").inner_text()
    batch.refresh_from_db()
    assert batch.status == "draft"  # only asked so far
    olga.get_by_role("button", name="Ja, eksporter").click()
    olga.wait_for_url(f"**/invoicing/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == "exported"
    visit(olga, "billing-batch-exported")

    with olga.expect_download() as csv:
        olga.get_by_role("link", name="Last ned CSV").click()
    assert csv.value.suggested_filename == f"lokale-fakturagrunnlag-{batch.pk}.csv"
    text = Path(csv.value.path()).read_bytes().decode("utf-8-sig")
    assert f";{booking.pk};Faktura;" in text and ";1500,00;" in text
    assert "Bølgen Bryggeri AS" in text

    with olga.expect_download() as ubw:
        olga.get_by_role("link", name="Last ned UBW-filen").click()
    assert ubw.value.suggested_filename == f"lokale-fakturagrunnlag-{batch.pk}-ubw.txt"
    records = Path(ubw.value.path()).read_bytes().decode("iso-8859-1").split("\r\n")[:-1]
    assert len(records) == 3 and {len(r) for r in records} == {1905}
    assert "Bølgen Bryggeri AS" in records[0] and "00000000000150000" in records[1]

    bob = new_page()
    log_in(bob, "bob")
    bob.goto("/money/")
    owed = bob.locator("main").inner_text()
    assert "Bølgen Bryggeri AS" in owed and "1500,00 kr" in owed
    visit(bob, "billing-my-money")
