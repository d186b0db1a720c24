"""Vipps MobilePay's ePayment API as a payment backend, over HTTP.

https://developer.vippsmobilepay.com/docs/APIs/epayment-api/ — an access token from
``POST /accesstoken/get`` (kept until shortly before it expires), then
``/epayment/v1/payments`` to create, get, capture, refund and cancel. Every change carries
an ``Idempotency-Key``; every call gives up after ``VIPPS_TIMEOUT`` seconds.

Webhooks (https://developer.vippsmobilepay.com/docs/APIs/webhooks-api/request-authentication/)
are signed with HMAC-SHA256 over ``POST\\n<path and query>\\n<x-ms-date>;<host>;<content hash>``
with the secret given when the webhook was registered (``VIPPS_WEBHOOK_SECRET``).
"""

import base64
import hashlib
import hmac
import threading
import time

import requests
from django.conf import settings

from billing.backends import (
    Created,
    PaymentBackend,
    ProviderRefused,
    ProviderUnavailable,
    Status,
)

CURRENCY = "NOK"
TOKEN_MARGIN_SECONDS = 60  # a token this close to expiring is renewed first
SIGNED_HEADERS = "x-ms-date;host;x-ms-content-sha256"

_tokens: dict[tuple, tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop cached access tokens (a changed configuration, or a test)."""
    with _tokens_lock:
        _tokens.clear()


def _money(value: int) -> dict:
    return {"currency": CURRENCY, "value": int(value)}


def _ore(amount: dict | None) -> int:
    if not amount:
        return 0
    return int(amount.get("value") or 0)


def _status(body: dict) -> Status:
    aggregate = body.get("aggregate") or {}
    return Status(
        reference=body.get("reference", ""),
        state=str(body.get("state", "")).upper(),
        amount_ore=_ore(body.get("amount")),
        authorized_ore=_ore(aggregate.get("authorizedAmount")),
        captured_ore=_ore(aggregate.get("capturedAmount")),
        refunded_ore=_ore(aggregate.get("refundedAmount")),
        cancelled_ore=_ore(aggregate.get("cancelledAmount")),
        psp_reference=str(body.get("pspReference") or ""),
    )


class VippsBackend(PaymentBackend):
    name = "vipps"

    def __init__(self):
        self.base = settings.VIPPS_URL.rstrip("/")
        self.timeout = settings.VIPPS_TIMEOUT

    # The access token -------------------------------------------------------------

    def _key_headers(self) -> dict:
        return {
            "Ocp-Apim-Subscription-Key": settings.VIPPS_SUBSCRIPTION_KEY,
            "Merchant-Serial-Number": settings.VIPPS_MSN,
            "Vipps-System-Name": "lokale",
            "Vipps-System-Version": "1",
        }

    def _token(self, *, renew: bool = False) -> str:
        cache_key = (self.base, settings.VIPPS_CLIENT_ID, settings.VIPPS_MSN)
        with _tokens_lock:
            cached = _tokens.get(cache_key)
            if cached and not renew and cached[1] > time.monotonic():
                return cached[0]
            headers = {
                **self._key_headers(),
                "client_id": settings.VIPPS_CLIENT_ID,
                "client_secret": settings.VIPPS_CLIENT_SECRET,
            }
            body = self._send("POST", "/accesstoken/get", headers=headers)
            token = body.get("access_token")
            if not token:
                raise ProviderUnavailable("the access token answer had no access_token")
            lifetime = int(body.get("expires_in") or 0)
            _tokens[cache_key] = (token, time.monotonic() + lifetime - TOKEN_MARGIN_SECONDS)
            return token

    # Calls -------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, headers: dict, json=None) -> dict:
        try:
            response = requests.request(
                method, self.base + path, headers=headers, json=json, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise ProviderUnavailable(f"{method} {path}: {error.__class__.__name__}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise ProviderUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            body = response.json() if response.content else {}
        except ValueError as error:
            raise ProviderUnavailable(f"{method} {path}: not JSON") from error
        if response.status_code >= 400:
            detail = body.get("detail") or body.get("title") or body.get("error") or ""
            error = ProviderRefused(f"{method} {path}: HTTP {response.status_code} {detail}")
            error.status_code = response.status_code
            raise error
        return body

    def _call(self, method: str, path: str, *, key: str | None = None, json=None) -> dict:
        for attempt in (1, 2):
            headers = {
                **self._key_headers(),
                "Authorization": f"Bearer {self._token(renew=attempt == 2)}",
            }
            if key is not None:
                headers["Idempotency-Key"] = key
            try:
                return self._send(method, path, headers=headers, json=json)
            except ProviderRefused as error:
                if getattr(error, "status_code", None) != 401 or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def create(
        self, *, reference: str, amount_ore: int, return_url: str, description: str, key: str
    ) -> Created:
        body = self._call(
            "POST",
            "/epayment/v1/payments",
            key=key,
            json={
                "amount": _money(amount_ore),
                "paymentMethod": {"type": "WALLET"},
                "reference": reference,
                "returnUrl": return_url,
                "userFlow": "WEB_REDIRECT",
                "paymentDescription": description[:100],
            },
        )
        redirect_url = body.get("redirectUrl")
        if not redirect_url:
            raise ProviderUnavailable("the created payment had no redirectUrl")
        return Created(reference=body.get("reference") or reference, redirect_url=redirect_url)

    def get(self, *, reference: str) -> Status:
        return _status(self._call("GET", f"/epayment/v1/payments/{reference}"))

    def capture(self, *, reference: str, amount_ore: int, key: str) -> Status:
        return _status(
            self._call(
                "POST",
                f"/epayment/v1/payments/{reference}/capture",
                key=key,
                json={"modificationAmount": _money(amount_ore)},
            )
        )

    def refund(self, *, reference: str, amount_ore: int, key: str) -> Status:
        return _status(
            self._call(
                "POST",
                f"/epayment/v1/payments/{reference}/refund",
                key=key,
                json={"modificationAmount": _money(amount_ore)},
            )
        )

    def cancel(self, *, reference: str, key: str) -> Status:
        return _status(
            self._call("POST", f"/epayment/v1/payments/{reference}/cancel", key=key, json={})
        )


def content_hash(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def webhook_signature_ok(
    *, secret: str, path_and_query: str, host: str, headers, body: bytes
) -> bool:
    """Did Vipps MobilePay send this webhook, unchanged? (``headers`` is case-insensitive.)"""
    if not secret:
        return False
    date = headers.get("x-ms-date", "")
    claimed_hash = headers.get("x-ms-content-sha256", "")
    authorization = headers.get("authorization", "")
    if not (date and claimed_hash and authorization):
        return False
    if not hmac.compare_digest(claimed_hash, content_hash(body)):
        return False
    signed = f"POST\n{path_and_query}\n{date};{host};{claimed_hash}"
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    expected = (
        f"HMAC-SHA256 SignedHeaders={SIGNED_HEADERS}&Signature={base64.b64encode(digest).decode()}"
    )
    return hmac.compare_digest(authorization, expected)
