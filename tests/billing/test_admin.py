"""The admin: a site's accounting codes are edited there; batches and lines are records
that nobody adds, changes or deletes there."""

import pytest

from billing.models import InvoiceBatch, InvoiceLine, SiteAccount
from tests.billing.scene import golden_scene  # noqa: F401
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_site_s_codes_are_edited_in_the_admin(admin_client, people):
    site = people.room.site
    response = admin_client.post(
        "/admin/billing/siteaccount/add/",
        {"site": site.pk, "client": "K1", "responsibility": "724300", "service": "",
         "account": "16300", "project": "", "refund_full_days": "", "refund_late_percent": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert SiteAccount.objects.get(site=site).responsibility == "724300"


def test_batches_and_lines_are_read_only(admin_client, golden_scene):  # noqa: F811
    batch = golden_scene.batch
    line = batch.lines.first()
    for url in ["/admin/billing/invoicebatch/", "/admin/billing/invoiceline/",
                f"/admin/billing/invoicebatch/{batch.pk}/change/",
                f"/admin/billing/invoiceline/{line.pk}/change/"]:  # fmt: skip
        assert admin_client.get(url).status_code == 200, url
    for url in ["/admin/billing/invoicebatch/add/", "/admin/billing/invoiceline/add/",
                f"/admin/billing/invoicebatch/{batch.pk}/delete/",
                f"/admin/billing/invoiceline/{line.pk}/delete/"]:  # fmt: skip
        assert admin_client.get(url).status_code == 403, url
    changed = admin_client.post(
        f"/admin/billing/invoicebatch/{batch.pk}/change/", {"status": "draft"}
    )
    assert changed.status_code == 403
    deleted = admin_client.post(
        "/admin/billing/invoicebatch/",
        {"action": "delete_selected", "_selected_action": [batch.pk], "post": "yes"},
    )
    assert deleted.status_code in (200, 302)
    batch.refresh_from_db()
    assert batch.status == "exported" and InvoiceLine.objects.filter(batch=batch).count() == 3
    assert InvoiceBatch.objects.count() == 2
