"""Delivery settings, read by config/settings.py: Celery, the outbox's retries and timing,
SMS and email. EMAIL_TIMEOUT decides how long a send may last, and so when the sweep may
take a claimed message back."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Celery: without a broker, messages are delivered in-process after commit.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
# Beat's clock is UTC, so the DST change neither skips nor doubles a run; the jobs are
# sweeps that look at Europe/Oslo time themselves and send what is due and not yet sent.
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# A message is acknowledged only when its task has run, and given back if the worker dies.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Handing a task to the broker gives up after BROKER_PUBLISH_TIMEOUT seconds (connecting,
# or waiting for a reply) and is not retried: with the broker down or hung, a booking still
# answers at once, its message stays queued in the outbox and the sweep sends it later.
# Workers use the same timeouts: a Redis slower than that to answer makes a worker
# reconnect, which it keeps trying.
BROKER_PUBLISH_TIMEOUT = 0.2
# Redis gives an unacknowledged task to another worker after the visibility timeout; a
# task is killed well before that, so a running task is never delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": BROKER_PUBLISH_TIMEOUT,
    "socket_timeout": BROKER_PUBLISH_TIMEOUT,
    "max_retries": 0,  # of a publish's connection; a worker's own reconnects keep retrying
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_PUBLISH_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {"task": "notifications.sweep", "schedule": dt.timedelta(minutes=1)},
    "booking-reminders": {"task": "booking.send_reminders", "schedule": dt.timedelta(minutes=5)},
    "caretaker-digests": {
        "task": "booking.send_caretaker_digests",
        "schedule": dt.timedelta(minutes=5),
    },
    "loan-reminders": {"task": "lending.send_due_reminders", "schedule": dt.timedelta(minutes=5)},
    "notifications-purge": {"task": "notifications.purge", "schedule": dt.timedelta(minutes=5)},
    "anonymise-borrowers": {
        "task": "lending.anonymise_borrowers",
        "schedule": dt.timedelta(minutes=5),
    },
    "anonymise-bookings": {
        "task": "booking.anonymise_bookings",
        "schedule": dt.timedelta(minutes=5),
    },
    # Online bookings not paid in time are released; refunds not yet made are made.
    "release-unpaid": {"task": "billing.release_unpaid", "schedule": dt.timedelta(minutes=1)},
    "make-refunds": {"task": "billing.make_refunds", "schedule": dt.timedelta(minutes=5)},
}

# Notifications: retries of a transient error back off (with jitter) from this many seconds
# up to NOTIFY_RETRY_CAP, for at most NOTIFY_MAX_ATTEMPTS tries; a row claimed for longer
# than NOTIFY_STALE_AFTER (set with EMAIL_TIMEOUT below) is queued again by the sweep.
NOTIFY_MAX_ATTEMPTS = env_int("LOKALE_NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_RETRY_SECONDS = env_int("LOKALE_NOTIFY_RETRY_SECONDS", 30)
NOTIFY_RETRY_CAP = dt.timedelta(minutes=15)
NOTIFY_SWEEP_GRACE = dt.timedelta(minutes=1)
# Sent and failed messages (who got what) are deleted this many days after they were made.
NOTIFY_KEEP_DAYS = env_int("LOKALE_NOTIFY_KEEP_DAYS", 90)
SMS_BACKEND = env_str("LOKALE_SMS_BACKEND") or "notifications.sms.ConsoleBackend"
# For notifications.sms.HttpBackend: the gateway's address, bearer token and sender name.
SMS_URL = env_str("LOKALE_SMS_URL")
SMS_TOKEN = env_str("LOKALE_SMS_TOKEN")
SMS_SENDER = env_str("LOKALE_SMS_SENDER", "Lokale")

# Email
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lokale <lokale@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_TIMEOUT <= 0:
    raise ImproperlyConfigured("EMAIL_TIMEOUT must be a number of seconds above 0.")
# One send is over within NOTIFY_SEND_TIME_LIMIT: an SMTP conversation is at most a dozen
# steps (connect, greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA, the message and
# its reply, QUIT), each waiting at most EMAIL_TIMEOUT; a worker's deliver task is
# interrupted (and retried) one EMAIL_TIMEOUT before it and killed at it. The sweep takes
# back a row claimed NOTIFY_STALE_AFTER ago, a minute later still, so it never sends again
# what may still be in flight. A worker killed after the mail server had the message but
# before it said so is the one case sent twice: with the same Message-ID
# (channels.message_id), so the recipient's mail client shows it once.
NOTIFY_SEND_TIME_LIMIT = 12 * EMAIL_TIMEOUT
NOTIFY_STALE_AFTER = dt.timedelta(seconds=NOTIFY_SEND_TIME_LIMIT + 60)
