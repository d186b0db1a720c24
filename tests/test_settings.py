import datetime as dt
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
    assert [code for code, _ in settings.LANGUAGES] == ["nb", "nn", "en"]


@pytest.mark.django_db
def test_sqlite_writes_take_the_lock_at_begin():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    connection.ensure_connection()
    assert connection.transaction_mode == "IMMEDIATE"


def test_celery_gives_each_task_to_one_worker_and_back_if_it_dies():
    """Acks late, given back when the worker is lost, one task at a time per worker process,
    and killed before Redis would hand the same task to another worker."""
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    # A retry's countdown is held by the worker unacknowledged: it must end before then too.
    assert settings.NOTIFY_RETRY_CAP.total_seconds() < visibility
    # A claimed row is taken back only when its send must be over (deliver's hard limit passed).
    from notifications.tasks import deliver

    assert settings.NOTIFY_STALE_AFTER.total_seconds() > deliver.time_limit

    from config.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_beat_runs_short_sweeps_on_a_utc_clock():
    """No crontab in local time (DST would skip or double a run), no long countdowns: every
    job is a sweep every few minutes that sends what is due and not yet sent."""
    assert settings.CELERY_TIMEZONE == "UTC" and settings.CELERY_ENABLE_UTC is True
    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert isinstance(entry["schedule"], dt.timedelta), name
        assert entry["schedule"] <= dt.timedelta(minutes=5), name
        assert entry["task"] in app.tasks, name


def test_reminder_and_digest_times_fail_loudly(monkeypatch):
    monkeypatch.setenv("LOKALE_REMINDER_TIME", "kl 18")
    with pytest.raises(ImproperlyConfigured, match="LOKALE_REMINDER_TIME"):
        env.env_time("LOKALE_REMINDER_TIME", "18:00")
    monkeypatch.setenv("LOKALE_REMINDER_TIME", "17:30")
    assert env.env_time("LOKALE_REMINDER_TIME", "18:00") == dt.time(17, 30)


def _money_settings(**env_vars) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings_money as m; print(m.PAYMENT_BACKEND, "
         "m.INVOICE_FORMAT, ','.join(m.PAY_AT_BOOKING))"],
        env={"PATH": "/usr/bin:/bin", **env_vars},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("env_vars", "named"),
    [
        ({"LOKALE_PAYMENT_BACKEND": "paypal"}, "LOKALE_PAYMENT_BACKEND"),
        ({"LOKALE_PAYMENT_BACKEND": "vipps", "LOKALE_VIPPS_CLIENT_ID": "x"},
         "LOKALE_VIPPS_CLIENT_SECRET"),
        ({"LOKALE_PAY_AT_BOOKING": "private,rich"}, "LOKALE_PAY_AT_BOOKING"),
        ({"LOKALE_INVOICE_FORMAT": "xlsx"}, "LOKALE_INVOICE_FORMAT"),
        ({"LOKALE_REFUND_LATE_PERCENT": "150"}, "LOKALE_REFUND_LATE_PERCENT"),
    ],
)  # fmt: skip
def test_money_settings_fail_loudly_and_name_the_variable(env_vars, named):
    result = _money_settings(**env_vars)
    assert result.returncode != 0 and named in result.stderr


def test_money_is_off_until_configured_and_empty_values_take_the_defaults():
    assert _money_settings().stdout.split() == ["ubw", "private,commercial"]  # no backend
    vipps = _money_settings(
        LOKALE_PAYMENT_BACKEND="vipps", LOKALE_VIPPS_CLIENT_ID="id", LOKALE_VIPPS_CLIENT_SECRET="s",
        LOKALE_VIPPS_SUBSCRIPTION_KEY="k", LOKALE_VIPPS_MSN="123456", LOKALE_INVOICE_FORMAT="",
    )  # fmt: skip
    assert vipps.stdout.split() == ["billing.vipps.VippsBackend", "ubw", "private,commercial"]


def _database_options(**env_vars) -> subprocess.CompletedProcess:
    code = "import config.settings as s; print(sorted(s.DATABASES['default'].get('OPTIONS', {})))"
    return subprocess.run(  # noqa: S603 (our own code)
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true",
             "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lokale", **env_vars},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_postgresql_prepares_statements_only_when_told_to():
    assert _database_options().stdout.strip() == "[]"
    told = _database_options(DATABASE_PREPARED_STATEMENTS="true").stdout.strip()
    assert told == "['prepare_threshold', 'server_side_binding']"
    refused = _database_options(DATABASE_PREPARED_STATEMENTS="sometimes")
    assert refused.returncode != 0 and "DATABASE_PREPARED_STATEMENTS" in refused.stderr
