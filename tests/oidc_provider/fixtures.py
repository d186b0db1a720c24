"""pytest fixtures: the test OpenID provider in a process of its own, and ID-porten
switched on in Lokale's settings for one test."""

import json
import os
import re
import secrets
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import pytest
import requests
from django.contrib.sessions.models import Session
from django.db import connection

from config.oidc import PROVIDER_ID, oidc_app, socialaccount_providers

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*")


def synthetic_pid() -> str:
    """An 11-digit number shaped like a synthetic fødselsnummer (month + 80), random enough
    to be found only where it was put."""
    day, month, rest = (
        secrets.randbelow(28) + 1,
        secrets.randbelow(12) + 81,
        secrets.randbelow(10**7),
    )
    return f"{day:02d}{month:02d}{rest:07d}"


@dataclass
class Person:
    username: str
    sub: str
    pid: str
    claims: dict = field(default_factory=dict)

    @property
    def password(self) -> str:
        return self.username


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    people: dict[str, Person]
    log: Path

    def app(self) -> dict:
        return oidc_app(
            issuer=self.issuer, client_id=self.client_id, client_secret=self.client_secret
        )


def _people() -> dict[str, Person]:
    def person(username, **claims):
        return Person(username=username, sub=secrets.token_urlsafe(32), pid=synthetic_pid(),
                      claims=claims)  # fmt: skip

    return {
        "kari": person("kari", name="Kari Nordmann", given_name="Kari", family_name="Nordmann"),
        "ola": person("ola"),
        "mallory": person("mallory", forge_nonce=True),
        "eve": person("eve", userinfo_sub="somebody-else"),
    }


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """django-oauth-toolkit's OpenID provider on a free 127.0.0.1 port, knowing Lokale's
    live server as its one client. Stopped at the end of the session."""
    workdir = tmp_path_factory.mktemp("oidc-provider")
    people = _people()
    client_id, client_secret = "lokale-test", secrets.token_urlsafe(24)
    claims = {
        p.username: {"sub": p.sub, "pid": p.pid, "acr": "idporten-loa-substantial",
                     "amr": ["TestID"], "locale": "nb", **p.claims}
        for p in people.values()
    }  # fmt: skip
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "OIDC_PROVIDER_PEOPLE": json.dumps(claims),
        "OIDC_PROVIDER_CLIENT": json.dumps(
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uri": live_server.url + CALLBACK,
            }
        ),
    }
    log = workdir / "provider.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )  # fmt: skip
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            pytest.fail(f"the test OpenID provider did not start: {log.read_text()[-2000:]}")
        issuer = f"http://127.0.0.1:{int(line.split()[-1])}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(issuer + ".well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"the test OpenID provider does not answer: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield Provider(issuer, client_id, client_secret, people, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture
def idporten(oidc_provider, settings):
    """ID-porten switched on for this test, pointing at the test provider."""
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(oidc_provider.app())
    return oidc_provider


def database_dump() -> str:
    """Every row of every table of the test database as text, with the sessions and any
    JWT in it (ID-porten's tokens are JWTs that carry pid) decoded."""
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        dump = subprocess.run(  # noqa: S603
            ["pg_dump", "--data-only", "-h", params.get("host") or "127.0.0.1",  # noqa: S607
             "-p", str(params.get("port") or 5432), "-U", params.get("user") or "postgres",
             connection.settings_dict["NAME"]],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    else:
        dump = "\n".join(connection.connection.iterdump())
    assert "socialaccount_socialaccount" in dump
    return revealed(dump + "\n" + "\n".join(str(s.get_decoded()) for s in Session.objects.all()))


def revealed(text: str) -> str:
    """``text`` and, after it, the claims of every JWT in it."""
    tokens = [jwt.decode(t, options={"verify_signature": False}) for t in JWT.findall(text)]
    return text + "\n" + "\n".join(map(str, tokens))
