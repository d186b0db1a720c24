"""Record a message in the caller's transaction; send it after commit, exactly once.

A row is written before anything is sent, and whoever sends it first claims it with a
conditional UPDATE (queued → sending) and goes on only if that UPDATE won. With a broker
the row goes to a Celery worker after commit; without one it is sent in-process after
commit. A sweep sends again what is left queued: the broker was down at commit, the
worker died, a retry is due.
"""

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone

from notifications import channels
from notifications.models import Message

log = logging.getLogger(__name__)

# How far ahead of its next_attempt_at a row may be claimed (a countdown that fires early).
CLAIM_TOLERANCE = dt.timedelta(seconds=2)


def enqueue(
    *,
    channel: str,
    recipient: str,
    template: str,
    context: dict,
    key: str,
    language: str = "nb",
) -> bool:
    """Write one message in the current transaction; it goes out once that commits.

    The same key is never written (nor sent) twice: a second call writes nothing.
    Returns whether a row was written (no recipient, or a key already used: False).
    """
    if not recipient:
        return False
    pk = _insert_new(
        channel=channel, recipient=recipient, template=template, context=context,
        idempotency_key=key, language=language,
    )  # fmt: skip
    if pk is not None:
        transaction.on_commit(lambda: dispatch(pk), robust=True)
    return pk is not None


def _insert_new(**values) -> int | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: one statement, and
    a key already used neither raises (which would spoil the caller's transaction) nor
    writes. PostgreSQL and SQLite (3.35+) both speak it; the ORM has no such call."""
    now = timezone.now()
    values |= {"status": Message.Status.QUEUED, "attempts": 0, "next_attempt_at": now,
               "last_error": "", "created_at": now}  # fmt: skip
    fields = [Message._meta.get_field(name) for name in values]
    connection = connections[router.db_for_write(Message)]
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)  # our model's names, not input
    sql = (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" ON CONFLICT ({quote('idempotency_key')}) DO NOTHING RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def dispatch(pk: int) -> None:
    """Hand a row to a worker, or send it here and now if there is no broker.

    Never raises: a broker that cannot be reached or a mail server that fails leaves the
    row queued for the sweep, and the change that wrote it stands.
    """
    if settings.CELERY_BROKER_URL:
        from notifications.tasks import deliver

        try:
            deliver.apply_async((pk,), retry=False)
        except Exception as error:  # the broker is down; the sweep will send it
            log.warning("could not hand message %s to the broker (%s); the sweep will", pk, error)
        return
    try:
        send_message(pk)
    except Exception:
        log.exception("message %s could not be sent in-process", pk)


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "retry", "failed" or "skipped" (someone else has it, or it is done)
    retry_in: float | None = None


def _backoff(attempts: int) -> float:
    """Exponential backoff with full jitter, capped."""
    cap = settings.NOTIFY_RETRY_CAP.total_seconds()
    ceiling = min(cap, settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def send_message(pk: int, *, now: dt.datetime | None = None) -> Outcome:
    """Claim the row, send it, record how it went."""
    now = now or timezone.now()
    claimed = Message.objects.filter(
        pk=pk, status=Message.Status.QUEUED, next_attempt_at__lte=now + CLAIM_TOLERANCE
    ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Outcome("skipped")
    message = Message.objects.get(pk=pk)
    try:
        channels.send(message)
    except Exception as error:
        text = f"{type(error).__name__}: {error}"[:2000]
        if channels.is_transient(error) and message.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delay = _backoff(message.attempts)
            _finish(pk, status=Message.Status.QUEUED, last_error=text,
                    next_attempt_at=timezone.now() + dt.timedelta(seconds=delay))  # fmt: skip
            log.info("message %s: %s; trying again in %.0f s", pk, text, delay)
            return Outcome("retry", delay)
        _finish(pk, status=Message.Status.FAILED, last_error=text)
        log.error("message %s failed for good: %s", pk, text)
        return Outcome("failed")
    _finish(pk, status=Message.Status.SENT, sent_at=timezone.now(), last_error="")
    return Outcome("sent")


def _finish(pk: int, **fields) -> None:
    Message.objects.filter(pk=pk, status=Message.Status.SENDING).update(claimed_at=None, **fields)


def sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Queue again what a dead worker held, and dispatch every queued row that is due.

    Rows younger than NOTIFY_SWEEP_GRACE are left to their own after-commit dispatch.
    Returns how many rows were dispatched.
    """
    now = now or timezone.now()
    Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - settings.NOTIFY_STALE_AFTER
    ).update(status=Message.Status.QUEUED, claimed_at=None, next_attempt_at=now)
    due = list(
        Message.objects.filter(
            status=Message.Status.QUEUED,
            next_attempt_at__lte=now,
            created_at__lte=now - settings.NOTIFY_SWEEP_GRACE,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        dispatch(pk)
    return len(due)


def resend(pk: int) -> bool:
    """Queue a failed message again (an officer's button); True if it was failed."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=pk, status=Message.Status.FAILED).update(
            status=Message.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        if updated:
            transaction.on_commit(lambda: dispatch(pk), robust=True)
    return bool(updated)


def purge(*, now: dt.datetime | None = None) -> int:
    """Forget messages (recipients, names, what was said) NOTIFY_KEEP_DAYS after they were
    sent or failed; queued ones stay until they go out."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NOTIFY_KEEP_DAYS)
    deleted, _ = Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
