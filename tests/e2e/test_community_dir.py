"""The directory in the browser: an organisation's administrator opts in on My
organisation and writes its public profile; a visitor (not signed in) finds it — on
PostgreSQL by a misspelt activity word — and opens its page. axe on the directory, the
profile form and the organisation's page."""

import re

import pytest
from django.db import connection

from community.models import PublicProfile
from tests.e2e.conftest import log_in, visit
from tests.photos import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def opt_in_and_write_the_profile(page, organisation) -> None:
    log_in(page, "alice")
    page.goto(f"/organisations/{organisation.pk}/details/")
    page.check("#id_in_directory")
    page.fill("#id_public_description", "Sjakk for alle i Ås, hver tirsdag.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/")
    page.get_by_role("link", name="Offentlig profil").click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/profile/")
    visit(page, "dir-profile-form-empty")
    page.fill("#id_activities", "Sjakk, lynsjakk, turneringer")
    page.check("input[name=categories][value=recreation]")
    page.check("input[name=age_groups][value=children]")
    page.check("input[name=age_groups][value=adults]")
    page.fill("#id_area", "Ås sentrum")
    page.fill("#id_website", "https://sjakk.example.org")
    page.fill("#id_public_email", "post@sjakk.example.org")
    page.set_input_files("#id_logo", files=[{"name": "logo.png", "mimeType": "image/png",
                         "buffer": image_bytes("PNG", size=(400, 400))}])  # fmt: skip
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/organisations/{organisation.pk}/profile/")
    assert page.locator(".message.success").is_visible()
    assert page.locator("figure.logo-preview img").is_visible()
    visit(page, "dir-profile-form")
    profile = PublicProfile.objects.get(pk=organisation.pk)
    assert profile.categories == ["recreation"] and profile.logo_thumbnail


def test_an_admin_writes_the_profile_and_a_visitor_opens_it(people, new_page):
    organisation = people.org_a
    opt_in_and_write_the_profile(new_page(), organisation)

    visitor = new_page()
    visitor.goto("/organisations/")
    visit(visitor, "dir-directory")
    card = visitor.locator("li.card", has_text=organisation.name)
    assert "Sjakk for alle i Ås" in card.inner_text()
    assert people.org_b.name not in visitor.locator("main").inner_text()  # not listed
    card.get_by_role("link", name=organisation.name).click()
    visitor.wait_for_url(f"**/organisations/{organisation.pk}/about/")
    visit(visitor, "dir-about")
    assert visitor.locator("h1").inner_text() == organisation.name
    assert "post@sjakk.example.org" in visitor.locator("main").inner_text()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
def test_a_visitor_finds_it_by_a_misspelt_activity(people, new_page):
    organisation = people.org_a
    opt_in_and_write_the_profile(new_page(1280), organisation)

    visitor = new_page()
    visitor.goto("/organisations/")
    visitor.fill("#id_q", "turneringr")  # «turneringer» misspelt
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_url(re.compile(r"q=turneringr"))
    visit(visitor, "dir-directory-search")
    visitor.get_by_role("link", name=organisation.name).click()
    visitor.wait_for_url(f"**/organisations/{organisation.pk}/about/")
    assert visitor.locator("h1").inner_text() == organisation.name
