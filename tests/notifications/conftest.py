import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections

from config.celery import app as celery_app
from tests.notifications.servers import RedisServer, SMTPServer


@pytest.fixture(scope="session")
def broker():
    """A real Redis for the whole session, used as Celery's broker."""
    server = RedisServer()
    server.start()
    celery_app.conf.broker_url = server.url
    yield server
    server.stop()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, and Django's SMTP backend pointed at it."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    yield server
    server.stop()


@pytest.fixture
def with_broker(broker, settings):
    """Lokale configured with a broker: messages go to Celery after commit."""
    settings.CELERY_BROKER_URL = broker.url
    settings.NOTIFY_RETRY_SECONDS = 1  # backoff of 0.5–1 s, 1–2 s, … instead of 30 s
    yield broker
    broker.ensure_running()


@pytest.fixture
def worker(with_broker, transactional_db):
    """A real Celery worker consuming from the Redis broker, in a thread of this process."""
    with start_worker(
        celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
    ) as running:
        yield running
    connections.close_all()
