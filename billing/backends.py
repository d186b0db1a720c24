"""The payment provider behind ``settings.PAYMENT_BACKEND``, and what it may answer.

A backend speaks to one provider. Every call that changes something takes an
idempotency key, chosen by the caller from the payment and the operation, so a call
repeated after a timeout or a crash is the same call to the provider, never a second one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class PaymentError(Exception):
    """The provider could not do what was asked."""


class ProviderUnavailable(PaymentError):
    """The provider did not answer (in time), or answered with a server error: try later."""


class ProviderRefused(PaymentError):
    """The provider answered and said no (a 4xx): the same call will not succeed."""


@dataclass(frozen=True)
class Created:
    reference: str
    redirect_url: str


@dataclass(frozen=True)
class Status:
    """The provider's view of a payment: its state and what it holds, in øre."""

    reference: str
    state: str  # CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED (as the provider says)
    amount_ore: int
    authorized_ore: int = 0
    captured_ore: int = 0
    refunded_ore: int = 0
    cancelled_ore: int = 0
    psp_reference: str = ""


class PaymentBackend:
    """What a provider offers. Amounts are integer øre."""

    name = ""

    def create(
        self, *, reference: str, amount_ore: int, return_url: str, description: str, key: str
    ) -> Created:
        raise NotImplementedError

    def get(self, *, reference: str) -> Status:
        raise NotImplementedError

    def capture(self, *, reference: str, amount_ore: int, key: str) -> Status:
        raise NotImplementedError

    def refund(self, *, reference: str, amount_ore: int, key: str) -> Status:
        raise NotImplementedError

    def cancel(self, *, reference: str, key: str) -> Status:
        raise NotImplementedError


def get_backend() -> PaymentBackend:
    """The configured backend; ImproperlyConfigured-like RuntimeError when there is none."""
    if not settings.PAYMENT_BACKEND:
        raise RuntimeError("no payment backend is configured (LOKALE_PAYMENT_BACKEND)")
    return import_string(settings.PAYMENT_BACKEND)()
