import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config import env


def test_booleans_fail_loudly(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        env.env_bool("DJANGO_DEBUG")
    monkeypatch.setenv("DJANGO_DEBUG", "off")
    assert env.env_bool("DJANGO_DEBUG", True) is False


def test_integers_fail_loudly(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env.env_int("EMAIL_PORT", 25)


def test_misspelt_setting_is_refused(monkeypatch):
    monkeypatch.setenv("LOKALE_STATIC_ROT", "/srv")
    with pytest.raises(ImproperlyConfigured, match="LOKALE_STATIC_ROT"):
        env.check_known("LOKALE_", {"LOKALE_STATIC_ROOT"})


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Europe/Oslo" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "nb"
    assert [code for code, _ in settings.LANGUAGES] == ["nb", "en"]


@pytest.mark.django_db
def test_sqlite_writes_take_the_lock_at_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    assert connection.transaction_mode == "IMMEDIATE"
