"""The outbox without a broker (the embedded default): real commits, real SMTP server."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from booking.models import Booking
from notifications import services
from notifications.models import Message
from tests.notifications.servers import free_port
from tests.notifications.test_delivery import book


def row(**extra) -> Message:
    fields = {
        "channel": "email", "recipient": "leder@example.org", "template": "booking_reminder",
        "context": {"bookings": []}, "idempotency_key": f"test:{time.monotonic_ns()}",
    }  # fmt: skip
    return Message.objects.create(**(fields | extra))


@pytest.mark.django_db(transaction=True)
class TestEmbedded:
    def test_a_booking_is_confirmed_by_mail_right_after_commit(self, people, client_for):
        book(client_for(people.alice), people)
        assert [m.subject.split(":")[0] for m in mail.outbox] == ["Bekreftet"]
        assert Message.objects.get().status == "sent"

    def test_a_mail_server_that_is_down_does_not_fail_the_booking(
        self, people, client_for, settings
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
        booking = book(client_for(people.alice), people)
        assert booking.status == Booking.Status.CONFIRMED
        message = Message.objects.get()
        assert (message.status, message.attempts) == ("queued", 1)
        assert "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at > timezone.now()  # for the sweep, after a backoff

    def test_a_slow_mail_server_costs_at_most_the_timeout_and_fails_nothing(
        self, people, client_for, smtp, settings
    ):
        smtp.mailbox.delay = 4
        settings.EMAIL_TIMEOUT = 1
        began = time.monotonic()
        book(client_for(people.alice), people)
        assert time.monotonic() - began < 3.5
        message = Message.objects.get()
        assert (message.status, message.attempts) == ("queued", 1)
        assert "timed out" in message.last_error

    def test_two_senders_at_once_send_one_mail(self, smtp):
        smtp.mailbox.delay = 0.3
        message = row()
        outcomes, start = [], threading.Barrier(2)

        def send():
            start.wait()
            try:
                outcomes.append(services.send_message(message.pk).status)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["sent", "skipped"]
        assert len(smtp.received) == 1

    def test_the_sweep_sends_what_a_dead_worker_held_and_leaves_the_living(self, settings):
        now = timezone.now()
        dead = row(status="sending", claimed_at=now - dt.timedelta(hours=1))
        alive = row(status="sending", claimed_at=now - dt.timedelta(seconds=30))
        young = row()
        Message.objects.filter(pk__in=[dead.pk, alive.pk]).update(
            created_at=now - dt.timedelta(hours=1)
        )
        assert services.sweep() == 1
        statuses = dict(Message.objects.values_list("pk", "status"))
        assert statuses == {dead.pk: "sent", alive.pk: "sending", young.pk: "queued"}
        assert len(mail.outbox) == 1

    def test_transient_errors_give_up_after_the_last_attempt(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
        settings.NOTIFY_MAX_ATTEMPTS = 3
        message = row()
        outcomes = []
        for _ in range(3):
            Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
            outcomes.append(services.send_message(message.pk).status)
        assert outcomes == ["retry", "retry", "failed"]
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("failed", 3)


@pytest.mark.django_db
def test_one_key_is_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = services.enqueue(channel="email", recipient="a@example.org",
                                     template="booking_reminder", context={"bookings": []},
                                     key="booking:reminder:1")  # fmt: skip
            again = services.enqueue(channel="email", recipient="a@example.org",
                                     template="booking_reminder", context={"bookings": []},
                                     key="booking:reminder:1")  # fmt: skip
    assert (first, again) == (True, False)
    assert Message.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_is_not_written_if_the_change_is_rolled_back(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue(channel="email", recipient="a@example.org", template="x",
                         context={}, key="rolled-back")  # fmt: skip
        raise RuntimeError
    assert not Message.objects.exists()


@pytest.mark.django_db
class TestFailedMessagesPage:
    def test_an_officer_sees_the_error_and_sends_again(
        self, people, client, django_capture_on_commit_callbacks
    ):
        failed = row(status="failed", attempts=6, last_error="SMTPRecipientsRefused: 550 nope")
        row(status="sent")
        client.force_login(people.olga)
        page = client.get("/messages/failed/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "550 nope" in text and text.count("leder@example.org") == 2  # heading + button
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/messages/{failed.pk}/resend/")
        assert response.status_code == 302
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == ("sent", 1)
        assert len(mail.outbox) == 1

    def test_members_may_not(self, people, client):
        failed = row(status="failed")
        client.force_login(people.alice)
        assert client.get("/messages/failed/").status_code == 403
        assert client.post(f"/messages/{failed.pk}/resend/").status_code == 403
        failed.refresh_from_db()
        assert failed.status == "failed"


@pytest.mark.django_db
def test_run_periodic_runs_beats_jobs_here_without_a_broker(django_capture_on_commit_callbacks):
    """The embedded mode's scheduler: every beat job, run in-process, sends what is due."""
    from io import StringIO

    from django.core.management import call_command

    left = row()
    Message.objects.filter(pk=left.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic", stdout=out)
    assert out.getvalue().splitlines() == [
        "notifications-sweep: 1",
        "booking-reminders: 0",
        "caretaker-digests: 0",
        "loan-reminders: 0",
        "notifications-purge: 0",
        "anonymise-borrowers: 0",
        "anonymise-bookings: 0",
        "release-unpaid: 0",
        "make-refunds: 0",
    ]
    left.refresh_from_db()
    assert left.status == "sent" and len(mail.outbox) == 1


@pytest.mark.django_db
def test_messages_are_forgotten_after_the_keeping_period(settings):
    settings.NOTIFY_KEEP_DAYS = 90
    old_sent, old_failed, old_queued, new_sent = (
        row(status="sent"), row(status="failed"), row(), row(status="sent")
    )  # fmt: skip
    Message.objects.filter(pk__in=[old_sent.pk, old_failed.pk, old_queued.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=91)
    )
    assert services.purge() == 2
    assert set(Message.objects.values_list("pk", flat=True)) == {old_queued.pk, new_sent.pk}
