"""An officer gives a caretaker role on the people page; a member reads the privacy page,
downloads their data and deletes their account. Each page: axe, 360 px, touch targets."""

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import log_in, visit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_gives_and_takes_away_a_caretaker_role(people, page):
    UserFactory(username="jan", first_name="Jan", last_name="Dahl")
    site = people.room.site
    log_in(page, "olga")
    page.goto("/officers/people/")
    visit(page, "people")
    page.fill("#id_q", "Dahl")
    page.locator("form.search button").click()
    card = page.locator(".card", has_text="Jan Dahl")
    card.locator("select[name=role]").select_option("caretaker")
    card.locator("select[name=site]").select_option(str(site.pk))
    visit(page, "people-found")
    card.locator("button", has_text="Gi rolle").click()
    page.wait_for_load_state()
    assert site.caretakers.filter(username="jan").exists()
    page.locator(".card", has_text="Jan Dahl").locator("button", has_text="Ta bort").click()
    visit(page, "people-role-remove")
    assert site.caretakers.filter(username="jan").exists()  # it asks first
    page.locator("button.danger").click()
    page.wait_for_url("**/officers/people/?q=Dahl")
    assert not site.caretakers.filter(username="jan").exists()


def test_member_reads_the_privacy_page_downloads_their_data_and_deletes_the_account(people, page):
    log_in(page, "bob")
    page.goto("/privacy/")
    visit(page, "privacy")
    with page.expect_download() as download:
        page.locator("main a", has_text="JSON").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["profile"]["username"] == "bob"
    page.goto("/accounts/delete/")
    visit(page, "account-delete")
    page.fill("#id_password", "secret-pass-123")
    page.locator("button.danger").click()
    page.wait_for_url(lambda url: "/accounts/delete/" not in url)
    people.bob.refresh_from_db()
    assert not people.bob.is_active
