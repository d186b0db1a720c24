"""SMS through the HTTP gateway backend, against a real HTTP server on a real socket."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Message

pytestmark = pytest.mark.django_db

REMINDER = {
    "bookings": [{
        "room": "Aulaen", "site": "Ås skole", "start": "2027-01-12T17:00:00+00:00",
        "end": "2027-01-12T19:00:00+00:00", "url": "https://lokale.example.no/bookings/7/",
    }]
}  # fmt: skip


class Gateway(ThreadingHTTPServer):
    """Answers each POST with the next scripted status (200 when the script is done)."""

    def __init__(self):
        self.statuses: list[int] = []
        self.received: list[dict] = []
        super().__init__(("127.0.0.1", 0), GatewayHandler)


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        if status == 200:
            self.server.received.append({**body, "auth": self.headers["Authorization"]})
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"error": "scripted"}' if status != 200 else b'{"id": "1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = Gateway()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "notifications.sms.HttpBackend"
    settings.SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_TOKEN, settings.SMS_SENDER = "hemmelig", "Kommunen"
    yield server
    server.shutdown()
    server.server_close()


def sms(key="sms:1") -> Message:
    return Message.objects.create(
        channel="sms", recipient="+4740000001", template="booking_reminder",
        context=REMINDER, idempotency_key=key,
    )  # fmt: skip


def attempt(message) -> str:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    return services.send_message(message.pk).status


def test_a_busy_gateway_is_tried_again_and_the_text_sent_once(gateway):
    gateway.statuses = [503]
    message = sms()
    assert [attempt(message), attempt(message), attempt(message)] == ["retry", "sent", "skipped"]
    (received,) = gateway.received
    assert received["to"] == "+4740000001" and received["sender"] == "Kommunen"
    assert received["auth"] == "Bearer hemmelig"
    assert received["text"].startswith("Lokale: Påminnelse om Aulaen, Ås skole tirsdag 12.")
    assert "18:00–20:00" in received["text"]


def test_a_refused_number_fails_with_the_gateways_answer(gateway):
    gateway.statuses = [400]
    message = sms()
    assert attempt(message) == "failed"
    message.refresh_from_db()
    assert "gateway answered 400" in message.last_error and gateway.received == []


def test_an_unreachable_gateway_is_worth_another_try(settings):
    from tests.notifications.servers import free_port

    settings.SMS_BACKEND = "notifications.sms.HttpBackend"
    settings.SMS_URL = f"http://127.0.0.1:{free_port()}/sms"
    message = sms()
    assert attempt(message) == "retry"
    message.refresh_from_db()
    assert "gateway unreachable" in message.last_error
