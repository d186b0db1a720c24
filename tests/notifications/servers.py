"""Real servers on real sockets for the delivery tests: Redis as the broker, and SMTP.

Redis: a private redis-server on a free port (the binary of the machine's Redis, which
`scripts/services.sh` makes sure of), so that a developer's own worker on 6379 cannot take
the tests' tasks, and so that a test can stop the broker and start it again.
SMTP: aiosmtpd, scripted to answer as a real mail server does when it is slow, busy (4xx)
or refuses (5xx), or when it has taken a message and not yet said so. Django's own SMTP
backend talks to it.
A Celery worker in a process of its own (`celery -A config worker`), for a test that kills
it with a signal.
"""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import redis
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll until predicate() is truthy; return its value or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {predicate}")
        time.sleep(interval)


class RedisServer:
    def __init__(self):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.ping, timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self) -> None:
        """Hang the broker (SIGSTOP): connections are accepted by the kernel, never answered."""
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.process.send_signal(signal.SIGCONT)
            self.paused = False

    def ensure_running(self) -> None:
        """Undo a test's stop or pause, so that the next test has its broker."""
        self.resume()
        if self.process is None:
            self.start()

    def pending(self) -> int:
        """Tasks the broker holds: waiting in a queue, or delivered and not yet acknowledged
        (a task running, or a retry waiting for its countdown)."""
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        queues = [key for key in client.scan_iter("celery*") if client.type(key) == b"list"]
        return sum(client.llen(key) for key in queues) + client.hlen("unacked")


class ScriptedMailbox:
    """An aiosmtpd handler: keeps what it accepts, answers as scripted."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.data_replies: list[str] = []  # the next DATA commands get these instead of 250
        self.rcpt_reply: str | None = None  # refuse every recipient with this
        self.delay = 0.0
        # Set to an unset Event: each message is taken (counted as received), and "250" is
        # held back until the event is set: the sender cannot know that it arrived.
        self.hold_reply: threading.Event | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_replies:
            return self.data_replies.pop(0)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(parsed)
        while self.hold_reply is not None and not self.hold_reply.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.mailbox = ScriptedMailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def received(self):
        return self.mailbox.received

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL for another process to use the database these settings name."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    login = f"{user}:{password}@" if password else f"{user}@"
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{login}{host}:{port}/{settings_dict['NAME']}"


class WorkerProcess:
    """`celery -A config worker` in a process of its own (prefork, one child), with Lokale's
    production settings pointed at the test database, the private broker and the SMTP server."""

    def __init__(self, *, broker_url: str, database_url: str, smtp_port: int, log: Path):
        self.log = log
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
                 "--concurrency", "1", "--loglevel", "INFO", "--without-heartbeat",
                 "--without-gossip", "--without-mingle"],
                cwd=Path(__file__).resolve().parents[2], env=self.env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(lambda: "ready." in self.output(), timeout=60)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        """The pool's processes: the ones that run the tasks."""
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in text.split()]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
