"""SMS backends. A municipality plugs in its gateway with LOKALE_SMS_BACKEND=dotted.path.

A backend has ``send(to: str, text: str) -> None`` and raises ``TransientError`` for what
is worth trying again (gateway down, throttled) and ``PermanentError`` for what is not
(number refused). Anything else it raises counts as permanent.
"""

import json
import logging
import sys
import urllib.error
import urllib.request

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


class HttpBackend:
    """A gateway that takes ``POST {"to", "text", "sender"}`` as JSON, with a bearer token.

    LOKALE_SMS_URL, LOKALE_SMS_TOKEN and LOKALE_SMS_SENDER configure it. A 2xx is sent;
    429, a 5xx, a timeout or a refused connection is worth another try; any other answer
    (a 4xx: number or request refused) is not. Gateways with another shape get a class of
    their own beside this one.
    """

    def __init__(self, url: str | None = None, token: str | None = None, sender: str | None = None):
        from django.conf import settings

        self.url = url or settings.SMS_URL
        self.token = token if token is not None else settings.SMS_TOKEN
        self.sender = sender if sender is not None else settings.SMS_SENDER
        self.timeout = settings.EMAIL_TIMEOUT

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            detail = f"gateway answered {error.code}: {error.read(500).decode(errors='replace')}"
            if error.code == 429 or error.code >= 500:
                raise TransientError(detail) from error
            raise PermanentError(detail) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise TransientError(f"gateway unreachable: {error}") from error
