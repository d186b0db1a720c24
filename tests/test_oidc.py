"""ID-porten over OpenID Connect, end to end through a real provider on a real socket
(tests/oidc_provider: django-oauth-toolkit in its own process): the account is made on the
first login and found on the next by ``sub`` alone; state, nonce and PKCE are checked; the
national identity number (``pid``) is in no table, no session and no log line."""

import html
import logging
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config import oidc
from config.idporten import nonce_for
from tests.oidc_provider.fixtures import CALLBACK, database_dump, revealed
from tests.test_headers import inline_code

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = f"/accounts/oidc/{oidc.PROVIDER_ID}/login/"


class Forms(HTMLParser):
    """The forms of a page: action and the values its inputs would send."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and self.forms and a.get("name") and a.get("type") != "submit":
            self.forms[-1][1][a["name"]] = a.get("value") or ""


def form(response: requests.Response, index: int = -1) -> tuple[str, dict[str, str]]:
    action, fields = Forms(response.text).forms[index]
    return requests.compat.urljoin(response.url, action or response.url), fields


class Browser:
    """A person at a browser (requests, following redirects between Lokale and the provider)."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def press_the_button(self) -> str:
        """Press "Log in with ID-porten" on Lokale's login page; returns where the page that
        answers goes on to (the provider's authorization endpoint)."""
        page = self.http.get(self.base + "/accounts/login/", timeout=10)
        page.raise_for_status()
        action, fields = form(page)
        assert urlsplit(action).path == LOGIN
        onward = self.http.post(action, data=fields, timeout=10, allow_redirects=False)
        assert onward.status_code == 200
        assert "form-action 'self'" in onward.headers["Content-Security-Policy"]
        assert not inline_code(onward.text)
        assert "no-store" in onward.headers["Cache-Control"]
        refresh = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', onward.text)
        link = re.search(r'id="continue-to-provider" href="([^"]+)"', onward.text)
        assert refresh and link and refresh[1] == link[1]
        return html.unescape(link[1])

    def start_login(self) -> requests.Response:
        """Press the button and follow on to the provider's login page."""
        return self.http.get(self.press_the_button(), timeout=10)

    def authenticate(self, login_page: requests.Response, person) -> requests.Response:
        """Log in at the provider and consent; returns the provider's redirect to Lokale."""
        assert "Test ID-porten" in login_page.text, login_page.text[:500]
        action, fields = form(login_page)
        fields.update(username=person.username, password=person.password)
        consent = self.http.post(action, data=fields, timeout=10)
        action, fields = form(consent)
        fields["allow"] = "Authorize"
        back = self.http.post(action, data=fields, timeout=10, allow_redirects=False)
        assert back.status_code == 302, back.text[:500]
        assert back.headers["Location"].startswith(self.base + CALLBACK)
        return back

    def finish(self, callback_url: str) -> requests.Response:
        return self.http.get(callback_url, timeout=20)

    def sign_up(self, page: requests.Response, **values) -> requests.Response:
        action, fields = form(page)
        fields.update(values)
        return self.http.post(action, data=fields, timeout=20)

    def user(self) -> User | None:
        key = self.http.cookies.get("sessionid")
        session = Session.objects.filter(session_key=key).first()
        user_id = session and session.get_decoded().get("_auth_user_id")
        return User.objects.filter(pk=user_id).first() if user_id else None


def log_in(live_server, person, **sign_up) -> Browser:
    browser = Browser(live_server.url)
    back = browser.authenticate(browser.start_login(), person)
    page = browser.finish(back.headers["Location"])
    if sign_up:
        assert urlsplit(page.url).path == "/accounts/3rdparty/signup/", page.text[:500]
        page = browser.sign_up(page, **sign_up)
    assert page.status_code == 200, page.text[:500]
    return browser


def with_state(url: str, state: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    query["state"] = [state]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def test_first_login_makes_the_account_the_second_finds_it(idporten, live_server, caplog):
    caplog.set_level(logging.DEBUG)
    kari = idporten.people["kari"]

    browser = Browser(live_server.url)
    back = browser.authenticate(browser.start_login(), kari)
    page = browser.finish(back.headers["Location"])
    assert urlsplit(page.url).path == "/accounts/3rdparty/signup/"
    assert 'value="Kari"' in page.text and 'value="Nordmann"' in page.text
    assert not User.objects.exists()
    pending = database_dump()  # the sign-up waits, with the login in the session
    assert kari.sub in pending
    assert kari.pid not in pending

    page = browser.sign_up(page, email="kari@example.no")
    assert page.status_code == 200
    user = browser.user()
    assert user is not None
    assert (user.first_name, user.last_name, user.email) == ("Kari", "Nordmann", "kari@example.no")
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (oidc.PROVIDER_ID, kari.sub)
    # The address is verified like any sign-up's: a link goes to it.
    assert EmailAddress.objects.get(user=user).verified is False
    assert [m.to for m in mail.outbox] == [["kari@example.no"]]
    assert account.extra_data["id_token"]["acr"] == "idporten-loa-substantial"

    again = log_in(live_server, kari)
    assert again.user() == user
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1

    dump = database_dump()
    assert kari.sub in dump
    assert kari.pid not in dump
    logged = revealed(caplog.text + "".join(str(r.args) for r in caplog.records))
    assert "/token/" in logged  # the back channel was logged at DEBUG, and is searched
    assert kari.pid not in logged


def test_without_a_name_in_the_claims_the_name_is_asked_once(idporten, live_server):
    ola = idporten.people["ola"]
    first = log_in(live_server, ola, first_name="Ola", last_name="Nordmann", email="ola@example.no")
    user = first.user()
    assert (user.first_name, user.last_name) == ("Ola", "Nordmann")
    second = log_in(live_server, ola)
    assert second.user() == user
    assert SocialAccount.objects.get().uid == ola.sub
    assert ola.pid not in database_dump()


def test_the_login_sends_pkce_and_a_nonce_bound_to_the_state(idporten, live_server):
    authorize = urlsplit(Browser(live_server.url).press_the_button())
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert authorize.netloc == urlsplit(idporten.issuer).netloc
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert query["nonce"] == nonce_for(query["state"])
    assert sorted(query["scope"].split()) == ["openid", "profile"]


def test_a_callback_with_another_state_is_refused(idporten, live_server):
    kari = idporten.people["kari"]
    browser = Browser(live_server.url)
    back = browser.authenticate(browser.start_login(), kari)
    callback = back.headers["Location"]

    refused = browser.finish(with_state(callback, "not-the-state-we-sent"))
    assert refused.status_code == 401
    assert browser.user() is None and not SocialAccount.objects.exists()

    # Another browser, handed this code and state, has no such state in its session.
    other = Browser(live_server.url)
    other.http.get(live_server.url + "/accounts/login/", timeout=10)
    assert other.finish(callback).status_code == 401
    assert other.user() is None and not SocialAccount.objects.exists()

    # The same callback in the browser that started the login is accepted.
    assert urlsplit(browser.finish(callback).url).path == "/accounts/3rdparty/signup/"


def test_an_id_token_with_another_nonce_is_refused(idporten, live_server):
    mallory = idporten.people["mallory"]
    browser = Browser(live_server.url)
    back = browser.authenticate(browser.start_login(), mallory)
    refused = browser.finish(back.headers["Location"])
    assert refused.status_code == 401
    assert "could not be completed" in refused.text or "ikke fullføres" in refused.text
    assert browser.user() is None and not SocialAccount.objects.exists()
    assert not User.objects.exists()


def test_userinfo_about_someone_else_than_the_id_token_is_refused(idporten, live_server):
    eve = idporten.people["eve"]
    browser = Browser(live_server.url)
    back = browser.authenticate(browser.start_login(), eve)
    assert browser.finish(back.headers["Location"]).status_code == 401
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_without_configuration_there_is_no_button_and_no_provider(client: Client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "ID-porten" not in page.content.decode()
    assert client.get(LOGIN).status_code == 404
    assert client.post(LOGIN).status_code == 404
    assert client.get(LOGIN + "callback/?code=x&state=y").status_code == 404


def test_the_button_is_shown_when_configured(settings, client: Client):
    settings.SOCIALACCOUNT_PROVIDERS = oidc.socialaccount_providers(
        oidc.oidc_app(issuer="https://idporten.no/", client_id="c", client_secret="s")
    )
    page = client.get("/accounts/login/").content.decode()
    assert 'id="idporten-login"' in page
    assert f'action="{LOGIN}?process=login"' in page
    # Reached by a link rather than the button, the login asks before it leaves (a POST).
    confirm = client.get(LOGIN)
    assert confirm.status_code == 200
    assert "Logg inn med ID-porten" in confirm.content.decode()
    assert not inline_code(confirm.content.decode())


@pytest.mark.parametrize(
    "present",
    [
        ["LOKALE_OIDC_ISSUER"],
        ["LOKALE_OIDC_CLIENT_ID", "LOKALE_OIDC_CLIENT_SECRET"],
        ["LOKALE_OIDC_ISSUER", "LOKALE_OIDC_CLIENT_SECRET"],
    ],
)
def test_partial_configuration_names_what_is_missing(monkeypatch, present):
    for name in oidc.ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name in present:
        monkeypatch.setenv(name, "https://idporten.no/")
    missing = [name for name in oidc.ENV_NAMES if name not in present]
    with pytest.raises(ImproperlyConfigured, match=", ".join(missing)):
        oidc.oidc_app_from_env()


def test_the_service_does_not_start_half_configured():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true",
             "LOKALE_OIDC_ISSUER": "https://idporten.no/", "LOKALE_OIDC_CLIENT_ID": "lokale"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "missing: LOKALE_OIDC_CLIENT_SECRET" in result.stderr


def test_full_configuration_makes_the_client(monkeypatch):
    monkeypatch.setenv("LOKALE_OIDC_ISSUER", "https://idporten.no/")
    monkeypatch.setenv("LOKALE_OIDC_CLIENT_ID", "lokale")
    monkeypatch.setenv("LOKALE_OIDC_CLIENT_SECRET", "s3cret")
    app = oidc.oidc_app_from_env()
    assert app["provider_id"] == "idporten" and app["name"] == "ID-porten"
    assert app["settings"]["server_url"] == "https://idporten.no/.well-known/openid-configuration"
    assert app["settings"]["oauth_pkce_enabled"] is True
    monkeypatch.setenv("LOKALE_OIDC_ISSUER", "http://idporten.no/")
    with pytest.raises(ImproperlyConfigured, match="https"):
        oidc.oidc_app_from_env()
