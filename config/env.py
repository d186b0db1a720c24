"""Typed readers for the environment that fail loudly on a bad value."""

import datetime as dt
import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def check_known(prefix: str, known: set[str]) -> None:
    """Refuse misspelt settings: every variable with our prefix must be one we read."""
    unknown = sorted(k for k in os.environ if k.startswith(prefix) and k not in known)
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )


def env_time(name: str, default: str) -> dt.time:
    """A wall-clock time of day written HH:MM."""
    raw = os.environ.get(name, default)
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a time of day (use HH:MM)") from None


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if value != value or (minimum is not None and value < minimum):
        raise ImproperlyConfigured(f"{name}={raw!r} is below {minimum}")
    return value


def env_url(name: str) -> str:
    """An http(s) address without a trailing slash, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    scheme, _, rest = raw.partition("://")
    if scheme not in ("http", "https") or not rest.strip("/"):
        raise ImproperlyConfigured(f"{name}={raw!r} is not an http(s) address")
    return raw.rstrip("/")


_LABEL = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
_ORIGIN_HOST = re.compile(rf"^(\*\.)?{_LABEL}(\.{_LABEL})*$")


def env_origins(name: str) -> list[str]:
    """Comma-separated web origins (scheme://host[:port], a host may start with ``*.``),
    e.g. for a Content-Security-Policy source list. Anything else — a path, a quote, a
    space inside — would change the policy's meaning, so it is refused."""
    origins = []
    for raw in env_list(name, []):
        parts = urlsplit(raw.lower())
        try:
            port = parts.port
        except ValueError:
            port = -1
        host = parts.hostname or ""
        if (
            parts.scheme not in ("http", "https")
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username is not None
            or port == -1
            or not _ORIGIN_HOST.match(host)
        ):
            raise ImproperlyConfigured(
                f"{name}: {raw!r} is not a web origin (use https://host or https://host:port)"
            )
        origins.append(f"{parts.scheme}://{host}" + (f":{port}" if port else ""))
    return origins
