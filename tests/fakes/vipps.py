"""A fake Vipps MobilePay ePayment server: a real HTTP server on 127.0.0.1 (a random port,
in a thread), speaking the API's shapes, for tests that must not reach the real one.

It checks what the real one checks (the access token, the subscription key and
merchant serial number, an Idempotency-Key on every change; the same key gives the
same answer and does nothing twice), serves a payment page at the redirectUrl with
"approve" and "refuse" buttons, and signs its webhooks as the Webhooks API does (it does
not use Lokale's code for that, so a mistake there is not copied here).

Scripting, per test:
- ``approve(reference)`` / ``refuse(reference)`` / ``expire(reference)``: what the payer
  (or time) does, as the payment page's buttons do;
- ``delay``: seconds to wait before answering any API call (longer than our timeout:
  the provider "times out");
- ``webhook_twice``: every webhook is delivered twice;
- ``hold_webhooks``: webhooks wait until ``release_webhooks()`` (a late webhook);
- ``sign_wrongly``: webhooks are signed with another secret;
- webhooks go by HTTP to ``webhook_url`` when ``deliver_over_http`` (a live server),
  else they queue in ``pending`` until ``deliver_to(client)`` posts them with Django's
  test client in the test's own thread (and so its database transaction).
"""

import base64
import datetime as dt
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FakeVipps:
    def __init__(
        self,
        *,
        client_id: str = "fake-client",
        msn: str = "123456",
    ):
        # Fresh credentials per fake: a test cannot pass on a value hard-coded elsewhere.
        self.client_id = client_id
        self.client_secret = secrets.token_hex(8)
        self.subscription_key = secrets.token_hex(8)
        self.msn = msn
        self.webhook_secret = secrets.token_urlsafe(32)
        self.webhook_url = ""
        self.deliver_over_http = False
        self.delay = 0.0
        self.webhook_twice = False
        self.hold_webhooks = False
        self.sign_wrongly = False
        self.payments: dict[str, dict] = {}
        self.answers: dict[tuple, tuple[int, dict]] = {}
        self.calls: list[tuple[str, str, str | None]] = []
        self.captures: dict[str, list[int]] = defaultdict(list)
        self.refunds: dict[str, list[int]] = defaultdict(list)
        self.cancels: dict[str, int] = defaultdict(int)
        self.token_requests = 0
        self.tokens: set[str] = set()
        self.pending: list[dict] = []
        self.sent: list[dict] = []
        self.lock = threading.RLock()
        self.server = None
        self.thread = None

    # Running ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeVipps":
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    # What the payer does ------------------------------------------------------------

    def approve(self, reference: str) -> str:
        """The payer approves in the app: AUTHORIZED, and the webhook. Returns returnUrl."""
        with self.lock:
            payment = self.payments[reference]
            if payment["state"] == "CREATED":
                payment["state"] = "AUTHORIZED"
                payment["authorized"] = payment["amount"]
                self._emit(payment, "AUTHORIZED", payment["amount"])
            return payment["returnUrl"]

    def refuse(self, reference: str) -> str:
        with self.lock:
            payment = self.payments[reference]
            if payment["state"] == "CREATED":
                payment["state"] = "ABORTED"
                self._emit(payment, "ABORTED", payment["amount"])
            return payment["returnUrl"]

    def expire(self, reference: str) -> None:
        with self.lock:
            payment = self.payments[reference]
            if payment["state"] == "CREATED":
                payment["state"] = "EXPIRED"
                self._emit(payment, "EXPIRED", payment["amount"])

    # Webhooks -----------------------------------------------------------------------

    def _emit(self, payment: dict, name: str, amount: int, key: str | None = None) -> None:
        if not self.webhook_url:
            return
        body = json.dumps(
            {
                "msn": self.msn,
                "reference": payment["reference"],
                "pspReference": uuid.uuid4().hex[:10],
                "name": name,
                "amount": {"currency": "NOK", "value": amount},
                "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                "idempotencyKey": key,
                "success": True,
            }
        ).encode()
        webhook = {"url": self.webhook_url, "body": body, "headers": self.sign(body)}
        for _ in range(2 if self.webhook_twice else 1):
            self.pending.append(webhook)
        if not self.hold_webhooks:
            self._flush()

    def sign(self, body: bytes) -> dict:
        """The Webhooks API's headers for ``body`` sent to ``webhook_url``."""
        parts = urlsplit(self.webhook_url)
        path_and_query = parts.path + (f"?{parts.query}" if parts.query else "")
        date = formatdate(usegmt=True)
        content = base64.b64encode(hashlib.sha256(body).digest()).decode()
        signed = f"POST\n{path_and_query}\n{date};{parts.netloc};{content}"
        secret = "not-the-secret" if self.sign_wrongly else self.webhook_secret
        signature = base64.b64encode(
            hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
        ).decode()
        return {
            "x-ms-date": date,
            "x-ms-content-sha256": content,
            "Authorization": "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256"
            f"&Signature={signature}",
            "Content-Type": "application/json",
        }

    def release_webhooks(self) -> None:
        """A late webhook arrives at last."""
        self.hold_webhooks = False
        self._flush()

    def _flush(self) -> None:
        if not self.deliver_over_http:
            return
        with self.lock:
            out, self.pending = self.pending, []
        if out:
            threading.Thread(target=self._post_all, args=(out,), daemon=True).start()

    def _post_all(self, webhooks: list[dict]) -> None:
        for webhook in webhooks:
            request = urllib.request.Request(
                webhook["url"], data=webhook["body"], headers=webhook["headers"], method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    webhook["status"] = answer.status
            except urllib.error.HTTPError as error:
                webhook["status"] = error.code
            except OSError:
                webhook["status"] = None
            self.sent.append(webhook)

    def deliver_to(self, client) -> list[int]:
        """Post the queued webhooks with Django's test client; their status codes. A
        webhook made while delivering (CAPTURED after our capture) is delivered too."""
        codes = []
        while self.pending and not self.hold_webhooks:
            with self.lock:
                webhook = self.pending.pop(0)
            headers = {
                f"HTTP_{name.upper().replace('-', '_')}": value
                for name, value in webhook["headers"].items()
                if name != "Content-Type"
            }
            parts = urlsplit(webhook["url"])
            response = client.post(
                parts.path, data=webhook["body"], content_type="application/json", **headers
            )
            webhook["status"] = response.status_code
            self.sent.append(webhook)
            codes.append(response.status_code)
        return codes

    # The API ------------------------------------------------------------------------

    def _view(self, payment: dict) -> dict:
        def money(value):
            return {"currency": "NOK", "value": value}

        return {
            "reference": payment["reference"],
            "pspReference": payment["pspReference"],
            "state": payment["state"],
            "amount": money(payment["amount"]),
            "paymentMethod": {"type": "WALLET"},
            "aggregate": {
                "authorizedAmount": money(payment["authorized"]),
                "capturedAmount": money(payment["captured"]),
                "refundedAmount": money(payment["refunded"]),
                "cancelledAmount": money(payment["cancelled"]),
            },
        }

    def handle(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict]:
        if path == "/accesstoken/get" and method == "POST":
            return self._token(headers)
        if not path.startswith("/epayment/v1/payments"):
            return 404, {"title": "Not Found"}
        if headers.get("Ocp-Apim-Subscription-Key") != self.subscription_key:
            return 401, {"title": "Unauthorized", "detail": "subscription key"}
        if headers.get("Merchant-Serial-Number") != self.msn:
            return 401, {"title": "Unauthorized", "detail": "merchant serial number"}
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.tokens:
            return 401, {"title": "Unauthorized", "detail": "access token"}
        key = headers.get("Idempotency-Key")
        self.calls.append((method, path, key))
        if method == "GET":
            with self.lock:
                payment = self.payments.get(path.rsplit("/", 1)[-1])
                return (200, self._view(payment)) if payment else (404, {"title": "Not Found"})
        if not key:
            return 400, {"title": "Bad Request", "detail": "Idempotency-Key is required"}
        with self.lock:
            if (key, path) in self.answers:  # the same call again: the same answer
                return self.answers[(key, path)]
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                return 400, {"title": "Bad Request", "detail": "not JSON"}
            answer = self._change(path, data, key)
            if answer[0] < 500:
                self.answers[(key, path)] = answer
            return answer

    def _token(self, headers) -> tuple[int, dict]:
        expected = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "Ocp-Apim-Subscription-Key": self.subscription_key,
            "Merchant-Serial-Number": self.msn,
        }
        if any(headers.get(name) != value for name, value in expected.items()):
            return 401, {"error": "unauthorized_client"}
        self.token_requests += 1
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": "3600", "access_token": token}

    def _change(self, path: str, data: dict, key: str) -> tuple[int, dict]:
        parts = path.rstrip("/").split("/")  # ['', 'epayment', 'v1', 'payments', ref, op]
        if len(parts) == 4:
            return self._create(data)
        payment = self.payments.get(parts[4])
        if payment is None:
            return 404, {"title": "Not Found"}
        operation = parts[5] if len(parts) > 5 else ""
        amount = int(((data.get("modificationAmount") or {}).get("value")) or 0)
        if operation == "capture":
            if payment["state"] != "AUTHORIZED" or amount <= 0:
                return 400, {
                    "title": "Bad Request",
                    "detail": f"cannot capture in {payment['state']}",
                }
            if payment["captured"] + amount > payment["authorized"]:
                return 400, {"title": "Bad Request", "detail": "more than authorised"}
            payment["captured"] += amount
            self.captures[payment["reference"]].append(amount)
            self._emit(payment, "CAPTURED", amount, key)
        elif operation == "refund":
            if amount <= 0 or payment["refunded"] + amount > payment["captured"]:
                return 400, {"title": "Bad Request", "detail": "more than captured"}
            payment["refunded"] += amount
            self.refunds[payment["reference"]].append(amount)
            self._emit(payment, "REFUNDED", amount, key)
        elif operation == "cancel":
            if payment["state"] not in ("CREATED", "AUTHORIZED") or payment["captured"]:
                return 400, {
                    "title": "Bad Request",
                    "detail": f"cannot cancel in {payment['state']}",
                }
            payment["cancelled"] = payment["amount"]
            payment["state"] = "TERMINATED"
            self.cancels[payment["reference"]] += 1
            self._emit(payment, "CANCELLED", payment["amount"], key)
        else:
            return 404, {"title": "Not Found"}
        return 200, self._view(payment)

    def _create(self, data: dict) -> tuple[int, dict]:
        reference = str(data.get("reference") or "")
        amount = (data.get("amount") or {}).get("value")
        problems = []
        if not (8 <= len(reference) <= 50) or not all(c.isalnum() or c == "-" for c in reference):
            problems.append("reference")
        if not isinstance(amount, int) or amount <= 0:
            problems.append("amount")
        if (data.get("paymentMethod") or {}).get("type") != "WALLET":
            problems.append("paymentMethod")
        if data.get("userFlow") != "WEB_REDIRECT" or not data.get("returnUrl"):
            problems.append("userFlow/returnUrl")
        if problems:
            return 400, {"title": "Bad Request", "detail": ", ".join(problems)}
        if reference in self.payments:
            return 409, {"title": "Conflict", "detail": "reference already used"}
        self.payments[reference] = {
            "reference": reference,
            "pspReference": uuid.uuid4().hex[:10],
            "state": "CREATED",
            "amount": amount,
            "authorized": 0,
            "captured": 0,
            "refunded": 0,
            "cancelled": 0,
            "returnUrl": data["returnUrl"],
            "description": data.get("paymentDescription", ""),
        }
        return 201, {"redirectUrl": f"{self.url}/landing/{reference}", "reference": reference}

    def landing(self, reference: str) -> str | None:
        payment = self.payments.get(reference)
        if payment is None:
            return None
        kroner = f"{payment['amount'] // 100},{payment['amount'] % 100:02d}"
        return f"""<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>Vipps (test)</title></head><body><main>
<h1>Betal {kroner} kr</h1><p>{html.escape(payment["description"])}</p>
<form method="post" action="/landing/{reference}/approve"><button>Godkjenn</button></form>
<form method="post" action="/landing/{reference}/refuse"><button>Avbryt</button></form>
</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    fake: FakeVipps
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, extra=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            pass

    def _api(self, method: str) -> None:
        body = self._body()
        if self.fake.delay:
            time.sleep(self.fake.delay)
        status, answer = self.fake.handle(method, self.path, self.headers, body)
        self._send(status, json.dumps(answer).encode(), "application/json")

    def do_GET(self):
        if self.path.startswith("/landing/"):
            page = self.fake.landing(self.path.split("/")[2])
            if page is None:
                self._send(404, b"not found", "text/plain")
            else:
                self._send(200, page.encode(), "text/html; charset=utf-8")
            return
        self._api("GET")

    def do_POST(self):
        if self.path.startswith("/landing/"):
            self._body()
            _, _, reference, action = self.path.split("/")[:4]
            if reference not in self.fake.payments:
                self._send(404, b"not found", "text/plain")
                return
            if action == "approve":
                return_url = self.fake.approve(reference)
            else:
                return_url = self.fake.refuse(reference)
            self._send(302, b"", "text/plain", {"Location": return_url})
            return
        self._api("POST")
