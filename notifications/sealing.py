"""Secrets a message carries (a single-use link) are kept sealed in the outbox.

A domain app puts them under ``context["sealed"]`` with :func:`seal`; the outbox row then
holds only ciphertext, and the channel opens them when it renders the message. The key
comes from ``SECRET_KEY`` (older keys in ``SECRET_KEY_FALLBACKS`` still open what they
sealed), so a copy of the database alone yields no working link.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"lokale.notifications.sealing:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(s) for s in secrets])


def seal(value: str) -> str:
    """Ciphertext of ``value`` that only this installation can open."""
    return _keys().encrypt(value.encode()).decode()


def opened(context: dict) -> dict:
    """The context to render: every value under ``sealed`` opened into its own name."""
    sealed = context.get("sealed")
    if not sealed:
        return context
    keys = _keys()
    context = {name: value for name, value in context.items() if name != "sealed"}
    for name, value in sealed.items():
        context[name] = keys.decrypt(value.encode()).decode()
    return context
