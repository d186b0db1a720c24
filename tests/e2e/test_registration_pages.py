"""A person registers an organisation by its number, found in Enhetsregisteret."""

import pytest
from django.utils import timezone

from booking.models import Organisation
from registry.models import Unit
from tests.e2e.conftest import log_in, visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_registers_an_organisation_from_the_register(people, page):
    Unit.objects.create(org_number="974760673", name="ÅS HUSFLIDSLAG", form_code="FLI",
                        voluntary=True, imported_at=timezone.now())  # fmt: skip
    log_in(page, "bob")
    page.goto("/organisations/new/")
    page.fill("#id_organisation_number", "974760674")
    page.locator("main button[type=submit]").click()
    page.locator("#id_organisation_number_error").wait_for()
    visit(page, "organisation-new")
    page.fill("#id_organisation_number", "974 760 673")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/organisations/new/" not in url)
    assert "ÅS HUSFLIDSLAG" in page.locator("main").inner_text()
    assert Organisation.objects.get(org_number="974760673").voluntary_verified
