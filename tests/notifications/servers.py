"""Real servers on real sockets for the delivery tests: Redis as the broker, and SMTP.

Redis: a private redis-server on a free port (the binary of the machine's Redis, which
`scripts/services.sh` makes sure of), so that a developer's own worker on 6379 cannot take
the tests' tasks, and so that a test can stop the broker and start it again.
SMTP: aiosmtpd, scripted to answer as a real mail server does when it is slow, busy (4xx)
or refuses (5xx). Django's own SMTP backend talks to it.
"""

import asyncio
import email
import email.policy
import shutil
import socket
import subprocess
import time

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
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class ScriptedMailbox:
    """An aiosmtpd handler: keeps what it accepts, answers as scripted."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.data_replies: list[str] = []  # the next DATA commands get these instead of 250
        self.rcpt_reply: str | None = None  # refuse every recipient with this
        self.delay = 0.0

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
