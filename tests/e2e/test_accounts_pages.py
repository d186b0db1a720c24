"""A newcomer signs up, confirms the address from the mail, logs out and in again, and sets
a new password from a reset link; every page accessible at 360 px."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache

from booking import roles
from tests.conftest import next_weekday_at
from tests.e2e.conftest import visit
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "kari@example.org"
FIRST, SECOND = "Kari-i-Ås-2027", "Ny-vår-på-Nesodden-9"


def last_link(page) -> str:
    """The /accounts/ path of the link in the newest mail (sent before the page answered)."""
    path = re.search(r"https?://[^/\s]+(/accounts/\S+/)", mail.outbox[-1].body).group(1)
    return path


def log_in(page, login: str, password: str) -> None:
    page.goto("/accounts/login/")
    visit(page, "account-login")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_sign_up_confirm_log_in_and_reset_the_password(db, page):
    room = RoomFactory(name="Gymsal")
    start = next_weekday_at(1, 18)
    page.goto("/accounts/signup/")
    visit(page, "account-signup")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", FIRST)
    page.fill("#id_password2", FIRST)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/signup/" not in url)
    user = get_user_model().objects.get(email=EMAIL)
    assert not roles.email_verified(user)
    assert mail.outbox[-1].to == [EMAIL]

    page.goto(f"/rooms/{room.pk}/book/")
    page.fill("#id_date", start.date().isoformat())
    page.fill("#id_start_time", "18:00")
    page.fill("#id_end_time", "20:00")
    page.fill("#id_title", "Første øving")
    page.fill("#id_attendees", "8")
    page.locator("form[data-booking-form] button[type=submit]").click()
    page.get_by_text("Bekreft e-postadressen din før du booker").wait_for()
    visit(page, "account-email-unverified")
    cache.clear()  # allauth sends one confirmation per address every three minutes
    page.get_by_role("button", name="Send bekreftelsen på nytt").click()
    page.wait_for_url("**/accounts/email/")
    assert len(mail.outbox) == 2

    page.goto(last_link(page))
    visit(page, "account-confirm-email")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/confirm-email/" not in url)
    assert EmailAddress.objects.get(user=user).verified
    assert roles.email_verified(get_user_model().objects.get(pk=user.pk))

    page.goto("/accounts/email/")
    visit(page, "account-email")
    page.goto("/accounts/password/change/")
    visit(page, "account-password-change")
    page.goto("/accounts/logout/")
    visit(page, "account-logout")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)

    log_in(page, EMAIL, FIRST)
    page.goto("/accounts/logout/")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)

    page.goto("/accounts/password/reset/")
    visit(page, "account-password-reset")
    page.fill("#id_email", EMAIL)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    visit(page, "account-password-reset-done")
    page.goto(last_link(page))
    page.wait_for_url("**-set-password/")
    visit(page, "account-password-reset-key")
    page.fill("#id_password1", SECOND)
    page.fill("#id_password2", SECOND)
    page.locator("main button[name=action]").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    visit(page, "account-password-reset-key-done")

    log_in(page, user.username, SECOND)
    assert page.locator("header").get_by_text("Min konto").is_visible()


def test_a_wrong_password_is_an_accessible_error(db, people, page):
    page.goto("/accounts/login/")
    page.fill("#id_login", "alice")
    page.fill("#id_password", "feil")
    page.locator("main button[type=submit]").click()
    assert page.locator("main [role=alert]").is_visible()
    visit(page, "account-login-error")
