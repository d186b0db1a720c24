"""A worker killed mid-send: the mail server has the message but has not yet said "250"."""

import datetime as dt
import os
import re
import signal
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from notifications import channels, services
from notifications.models import Message
from notifications.tasks import deliver
from tests.notifications.servers import WorkerProcess, database_url, wait_for
from tests.notifications.test_delivery import book


@pytest.fixture
def worker_process(with_broker, smtp, tmp_path, transactional_db):
    """`celery -A config worker` in a process of its own, sending to the test's SMTP server."""
    process = WorkerProcess(
        broker_url=with_broker.url,
        database_url=database_url(connection.settings_dict),
        smtp_port=smtp.port,
        log=tmp_path / "worker.log",
    )
    process.start()
    yield process
    process.stop()


def test_a_worker_killed_before_the_250_leaves_one_visible_message_and_loses_none(
    people, client_for, worker_process, broker, smtp
):
    smtp.mailbox.hold_reply = threading.Event()
    book(client_for(people.alice), people)
    wait_for(lambda: smtp.received)  # the mail server has it; the worker waits for "250"
    message = Message.objects.get()
    assert message.status == "sending"

    (child,) = worker_process.children()
    os.kill(child, signal.SIGKILL)
    # The worker gives the task back (acks late, rejected when its process is lost) and runs
    # it again in a new process: the row is claimed, so it sends nothing.
    wait_for(
        lambda: re.search(r"deliver\[.+\] succeeded in .+: 'skipped'", worker_process.output())
    )
    assert "WorkerLostError" in worker_process.output()
    smtp.mailbox.hold_reply.set()
    assert len(smtp.received) == 1

    # While a send may still be in flight, the sweep leaves the row alone.
    services.sweep()
    message.refresh_from_db()
    assert message.status == "sending"

    # Once it cannot be (NOTIFY_STALE_AFTER later), the sweep queues it again and it goes out.
    Message.objects.filter(pk=message.pk).update(
        claimed_at=F("claimed_at") - django_settings.NOTIFY_STALE_AFTER,
        created_at=F("created_at") - django_settings.NOTIFY_STALE_AFTER,
    )
    services.sweep()
    wait_for(lambda: Message.objects.filter(pk=message.pk, status="sent").exists())
    wait_for(lambda: broker.pending() == 0)  # no task is left that could send a third

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(smtp.received) == 2  # delivered twice: the first copy did arrive
    # ... as one message: every copy has the row's Message-ID, and a mail client shows a
    # Message-ID once.
    visible = {mail["Message-ID"] for mail in smtp.received}
    assert visible == {channels.message_id(message)}, visible


def test_the_sweep_never_takes_back_a_send_that_may_still_be_in_flight(settings):
    """A send is over within NOTIFY_SEND_TIME_LIMIT (a dozen SMTP steps of EMAIL_TIMEOUT each,
    and a worker's deliver task is killed then); the sweep waits longer than that."""
    assert settings.EMAIL_TIMEOUT > 0
    assert settings.NOTIFY_SEND_TIME_LIMIT >= 12 * settings.EMAIL_TIMEOUT
    assert deliver.time_limit == settings.NOTIFY_SEND_TIME_LIMIT
    margin = settings.NOTIFY_STALE_AFTER - dt.timedelta(seconds=settings.NOTIFY_SEND_TIME_LIMIT)
    assert margin >= dt.timedelta(minutes=1)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.NOTIFY_STALE_AFTER.total_seconds() < visibility


@pytest.mark.django_db
def test_a_row_claimed_as_long_ago_as_a_send_may_last_is_left_to_its_sender(settings):
    now = timezone.now()
    longest = dt.timedelta(seconds=settings.NOTIFY_SEND_TIME_LIMIT)
    for name, claimed_at in [("in-flight", now - longest), ("dead", now - longest * 3)]:
        Message.objects.create(
            channel="email", recipient="leder@example.org", template="booking_reminder",
            context={"bookings": []}, idempotency_key=f"test:{name}", status="sending",
            claimed_at=claimed_at,
        )  # fmt: skip
    services.sweep(now=now)
    statuses = dict(Message.objects.values_list("idempotency_key", "status"))
    assert statuses == {"test:in-flight": "sending", "test:dead": "queued"}
