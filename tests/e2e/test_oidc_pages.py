"""Logging in with ID-porten in Chromium, through the test OpenID provider on its own
socket: the first login asks once for what ID-porten does not tell and makes the account,
the second finds it; the national identity number ends up in no table and no log line."""

import logging

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User

from config.oidc import PROVIDER_ID
from tests.e2e.conftest import visit
from tests.oidc_provider.fixtures import database_dump, revealed

pytestmark = pytest.mark.django_db(transaction=True)


def through_id_porten(page, person) -> None:
    """From Lokale's login page through the provider's login and consent, back to Lokale."""
    page.goto("/accounts/login/")
    page.locator("#idporten-login").click()
    page.wait_for_url(lambda url: "/login/" in url and "/accounts/" not in url)
    page.fill("#id_username", person.username)
    page.fill("#id_password", person.password)
    page.locator("#provider-login").click()
    page.locator("input[name=allow]").click()
    page.wait_for_url(lambda url: "127.0.0.1" not in url)


def test_id_porten_makes_the_account_once_and_finds_it_again(idporten, new_page, caplog):
    caplog.set_level(logging.DEBUG)
    ola = idporten.people["ola"]

    page = new_page()
    page.goto("/accounts/login/")
    visit(page, "login-with-idporten")
    through_id_porten(page, ola)
    assert page.url.endswith("/accounts/3rdparty/signup/")
    visit(page, "idporten-signup")
    page.fill("#id_first_name", "Ola")
    page.fill("#id_last_name", "Nordmann")
    page.fill("#id_email", "ola@example.no")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.locator("header form button", has_text="Logg ut").count() == 1

    user = User.objects.get()
    assert (user.first_name, user.last_name, user.email) == ("Ola", "Nordmann", "ola@example.no")
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (user, PROVIDER_ID, ola.sub)

    again = new_page()
    through_id_porten(again, ola)
    assert "/accounts/" not in again.url
    assert again.locator("header form button", has_text="Logg ut").count() == 1
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1

    assert ola.pid not in database_dump()
    assert ola.pid not in revealed(caplog.text + "".join(str(r.args) for r in caplog.records))


def test_a_refused_login_says_so_in_our_layout(idporten, page):
    through_id_porten(page, idporten.people["mallory"])
    assert page.locator("h1").inner_text() == "Innloggingen mislyktes"
    visit(page, "idporten-login-failed")
    assert not User.objects.exists()
