"""Throttling and the login lockout find the client the same way, with or without proxies.

LOKALE_TRUSTED_PROXIES says how many of our proxies stand in front; the real DRF throttle
(20 tries a minute on the token endpoint) and the real django-axes lockout are exercised.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ANNE = "203.0.113.7"
BJORN = "198.51.100.9"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def behind_proxies(n: int):
    return override_settings(
        TRUSTED_PROXIES=n, REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": n}
    )


RIGHT, WRONG = "secret-pass-123", "feil"


def try_token(username: str, *, xff: str | None, remote=PROXY, right=False):
    password = RIGHT if right else WRONG
    headers = {"REMOTE_ADDR": remote}
    if xff is not None:
        headers["HTTP_X_FORWARDED_FOR"] = xff
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", **headers
    )


def throttled(response) -> bool:
    """The throttle's 429 (with Retry-After), not the lockout's."""
    return response.status_code == 429 and "Retry-After" in response


def test_without_proxies_a_new_forwarded_for_each_try_is_still_throttled(db):
    answers = [try_token(f"nobody{n}", xff=f"192.0.2.{n}", remote="192.0.2.200") for n in range(21)]
    assert [a.status_code for a in answers[:20]] == [400] * 20
    assert throttled(answers[20])
    assert sum(throttled(try_token(f"x{n}", xff=f"10.9.9.{n}", remote="192.0.2.200"))
               for n in range(100)) == 100  # fmt: skip


def test_without_proxies_the_lockout_keys_on_the_connecting_address(people):
    for n in range(5):
        try_token("bob", xff=f"192.0.2.{n}", remote="192.0.2.200")
    right = try_token("bob", right=True, xff="192.0.2.99", remote="192.0.2.200")
    assert right.status_code == 429 and "token" not in right.content.decode()
    elsewhere = try_token("bob", right=True, xff="192.0.2.99", remote="192.0.2.201")
    assert elsewhere.status_code == 200


def test_behind_one_proxy_each_client_is_throttled_on_its_own(db):
    with behind_proxies(1):
        for n in range(20):
            assert try_token(f"nobody{n}", xff=ANNE).status_code == 400
        assert throttled(try_token("nobody", xff=ANNE))
        spoofed = [try_token(f"s{n}", xff=f"192.0.2.{n}, {ANNE}") for n in range(10)]
        assert all(throttled(a) for a in spoofed)
        assert try_token("nobody", xff=BJORN).status_code == 400


def test_behind_one_proxy_one_client_cannot_lock_out_another(people):
    with behind_proxies(1):
        for n in range(5):
            try_token("bob", xff=f"192.0.2.{n}, {ANNE}")
        assert try_token("bob", right=True, xff=f"192.0.2.77, {ANNE}").status_code == 429
        response = try_token("bob", right=True, xff=BJORN)
        assert response.status_code == 200 and len(response.json()["token"]) == 40


def test_behind_one_proxy_the_web_login_locks_the_client_not_the_proxy(people):
    def log_in(xff, right=False):
        return Client().post(
            "/accounts/login/", {"login": "alice", "password": RIGHT if right else WRONG},
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff,
        )  # fmt: skip

    with behind_proxies(1):
        for n in range(5):
            log_in(f"192.0.2.{n}, {ANNE}")
        assert log_in(ANNE, right=True).status_code == 429
        assert log_in(BJORN, right=True).status_code == 302


def test_a_forwarded_entry_that_is_no_address_gives_the_connecting_one(people):
    with behind_proxies(2):
        for _ in range(5):
            try_token("bob", xff="not-an-address, 10.0.0.1")
        assert try_token("bob", right=True, xff="other, 10.0.0.1").status_code == 429


@pytest.mark.parametrize(("value", "expected"), [("", "0"), ("1", "1"), ("2", "2")])
def test_the_proxy_count_comes_from_the_environment(value, expected):
    env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "true", "LOKALE_TRUSTED_PROXIES": value}
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings as s; "
         "print(s.REST_FRAMEWORK['NUM_PROXIES'], s.TRUSTED_PROXIES, s.AXES_CLIENT_IP_CALLABLE)"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == [expected, expected, "config.clientip.client_ip"]


def test_a_negative_proxy_count_is_refused():
    env = {"PATH": os.environ["PATH"], "DJANGO_DEBUG": "true", "LOKALE_TRUSTED_PROXIES": "-1"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0 and "LOKALE_TRUSTED_PROXIES" in result.stderr
