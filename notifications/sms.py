"""SMS backends. A municipality plugs in its gateway with LOKALE_SMS_BACKEND=dotted.path.

A backend has ``send(to: str, text: str) -> None`` and raises ``TransientError`` for what
is worth trying again (gateway down, throttled) and ``PermanentError`` for what is not
(number refused). Anything else it raises counts as permanent.
"""

import logging
import sys

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Try again later."""


class PermanentError(Exception):
    """Trying again will not help."""


class ConsoleBackend:
    """Writes the message to standard output; the default for development."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        self.stream.write(f"SMS to {to}:\n{text}\n{'-' * 40}\n")
        self.stream.flush()
