"""Delivery with a real Redis broker, a real Celery worker and a real SMTP server."""

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.utils import timezone
from kombu import pools as kombu_pools

from booking.models import Booking
from booking.tasks import send_reminders
from booking.timeutil import OSLO
from config.celery import app
from notifications.models import Message
from notifications.tasks import sweep
from tests.conftest import next_weekday_at
from tests.notifications.servers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def book(client, people, start=None):
    start = start or next_weekday_at(1, 18)
    response = client.post(
        "/api/v1/bookings/",
        {
            "room": people.room.pk,
            "organisation": people.org_a.pk,
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=2)).isoformat(),
            "title": "Sjakkturnering",
            "attendees": 12,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Booking.objects.get(pk=response.json()["id"])


def idle(broker) -> bool:
    """Nothing is left to happen: no row queued or being sent, no task waiting in the broker
    or held by it unacknowledged, and none reserved or running in this process's worker."""
    return (
        not Message.objects.filter(status__in=["queued", "sending"]).exists()
        and broker.pending() == 0
        and not worker_state.reserved_requests
        and not worker_state.active_requests
    )


def settled(broker) -> None:
    """Wait until everything has happened that will (idle twice in a row, so that a task on
    its way from the broker to the worker is not missed); then counting is final."""
    wait_for(lambda: idle(broker) and idle(broker))


def test_a_booking_over_the_api_gives_exactly_one_confirmation_email(
    people, client_for, worker, broker, smtp
):
    booking = book(client_for(people.alice), people)

    wait_for(lambda: smtp.received)
    settled(broker)
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail["To"] == people.alice.email
    assert mail["Subject"].startswith("Bekreftet: Aulaen")
    assert mail["X-Lokale-Message"].startswith(
        f"booking:confirmed:{booking.pk}.0:{people.alice.pk}:"
    )
    message = Message.objects.get()
    assert (message.status, message.attempts, message.template) == ("sent", 1, "booking_confirmed")


def test_the_reminder_job_run_twice_sends_one_reminder(
    people, client_for, worker, broker, smtp, settings
):
    tomorrow_noon = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=1), dt.time(12), tzinfo=OSLO
    )
    booking = book(client_for(people.alice), people, start=tomorrow_noon)
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    settings.REMINDER_TIME = dt.time(0, 0)  # due from midnight tonight: i.e. now
    settled(broker)
    smtp.received.clear()

    send_reminders.delay()
    send_reminders.delay()
    wait_for(lambda: Message.objects.filter(template="booking_reminder").exists())
    settled(broker)

    assert [m["Subject"].strip() for m in smtp.received] == [  # a folded header may start " "
        f"Påminnelse: Aulaen {reminder_when(tomorrow_noon)}"
    ]
    assert Message.objects.filter(template="booking_reminder").count() == 1


def reminder_when(start):
    from django.utils import translation

    from booking.templatetags.lokale import when

    with translation.override("nb"):
        return when(start)


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_with_the_broker_down_a_booking_answers_at_once_and_its_message_comes_later(
    people, client_for, with_broker, smtp, settings, outage
):
    """Handing the task to the broker gives up within BROKER_PUBLISH_TIMEOUT and is not
    retried in the request, whether the broker is stopped (connection refused) or hung
    (SIGSTOP: the connection is accepted and never answered). The bookings stand, their
    rows stay queued, and the sweep sends them once the broker is back."""
    client = client_for(people.alice)
    book(client, people, start=next_weekday_at(2, 18))  # a web process that has published
    {"stopped": with_broker.stop, "hung": with_broker.pause}[outage]()

    took, during = [], []
    for day in (3, 4):
        if day == 4:  # as a web process started during the outage: no connection to reuse
            kombu_pools.reset()  # what kombu and Celery do in every new process
            app._after_fork()
        began = time.monotonic()
        during.append(book(client, people, start=next_weekday_at(day, 18)))
        took.append(time.monotonic() - began)

    assert max(took) < 1, f"the requests waited {took} s for a {outage} broker"
    assert {booking.status for booking in during} == {Booking.Status.CONFIRMED}
    rows = Message.objects.filter(created_at__gte=min(b.created_at for b in during))
    assert sorted(rows.values_list("status", "attempts")) == [("queued", 0)] * 2
    assert smtp.received == []

    with_broker.ensure_running()
    settings.NOTIFY_SWEEP_GRACE = dt.timedelta(0)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        sweep.delay()
        settled(with_broker)
        sweep.delay()  # nothing is left to send
        settled(with_broker)
    assert len(smtp.received) == 3  # the booking before the outage, and the two during it
    assert len({mail["Message-ID"] for mail in smtp.received}) == 3
    assert sorted(Message.objects.values_list("status", "attempts")) == [("sent", 1)] * 3


def test_a_busy_mail_server_is_tried_again_and_the_message_sent_once(
    people, client_for, worker, broker, smtp
):
    smtp.mailbox.data_replies = ["451 4.3.0 Mail server busy, try again later"]
    book(client_for(people.alice), people)

    wait_for(lambda: smtp.received)
    settled(broker)
    assert len(smtp.received) == 1
    message = Message.objects.get()
    assert (message.status, message.attempts) == ("sent", 2)
    assert message.last_error == ""


def test_a_refused_address_ends_as_failed_with_the_error(people, client_for, worker, broker, smtp):
    smtp.mailbox.rcpt_reply = "550 5.1.1 No such mailbox here"
    book(client_for(people.alice), people)

    wait_for(lambda: Message.objects.filter(status="failed").exists())
    settled(broker)
    message = Message.objects.get()
    assert message.attempts == 1
    assert "550" in message.last_error and "No such mailbox here" in message.last_error
    assert smtp.received == []


def test_a_slow_mail_server_does_not_slow_the_booking_request(
    people, client_for, worker, broker, smtp
):
    client = client_for(people.alice)
    book(client, people, start=next_weekday_at(2, 18))  # warm up: first request, first publish
    settled(broker)

    began = time.monotonic()
    book(client, people, start=next_weekday_at(3, 18))
    fast = time.monotonic() - began
    settled(broker)

    smtp.mailbox.delay = 5
    began = time.monotonic()
    book(client, people, start=next_weekday_at(4, 18))
    slow = time.monotonic() - began

    assert slow < fast + 0.5, f"fast {fast:.2f} s, slow {slow:.2f} s"
    assert slow < 2
    assert Message.objects.filter(status__in=["queued", "sending"]).count() == 1
    wait_for(lambda: len(smtp.received) == 3, timeout=20)  # and it does arrive
