"""ID-porten over OpenID Connect: the settings that switch it on, read from the environment.

Kept free of Django app imports so that config/settings.py can use it; the provider and
the adapter that run the logins are in config/idporten.py."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

ENV_NAMES = ("LOKALE_OIDC_ISSUER", "LOKALE_OIDC_CLIENT_ID", "LOKALE_OIDC_CLIENT_SECRET")
PROVIDER_ID = "idporten"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def well_known_url(issuer: str) -> str:
    """The discovery document of an issuer (ID-porten's issuer ends in a slash)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def oidc_app(*, issuer: str, client_id: str, client_secret: str) -> dict:
    """One OpenID Connect client in allauth's settings shape (no database SocialApp)."""
    parts = urlsplit(issuer)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    ):
        raise ImproperlyConfigured(
            f"LOKALE_OIDC_ISSUER={issuer!r} is not an https:// URL (e.g. https://idporten.no/)"
        )
    return {
        "provider_id": PROVIDER_ID,
        "name": "ID-porten",
        "client_id": client_id,
        "secret": client_secret,
        "settings": {"server_url": well_known_url(issuer), "oauth_pkce_enabled": True},
    }


def socialaccount_providers(app: dict | None) -> dict:
    """SOCIALACCOUNT_PROVIDERS with ID-porten as the one OpenID Connect client, or none.

    The provider class is ours whether or not a client is configured: allauth's registry
    picks the class once, and the tests switch the client on and off per test."""
    return {
        "openid_connect": {
            "provider_class": "config.idporten.IDPortenProvider",
            "OAUTH_PKCE_ENABLED": True,
            # ID-porten knows openid (sub, pid, acr) and profile (the name); no email.
            "SCOPE": ["openid", "profile"],
            "APPS": [app] if app else [],
        }
    }


def oidc_app_from_env() -> dict | None:
    """The ID-porten client from LOKALE_OIDC_*: all three set, or none (then None)."""
    values = {name: env_str(name).strip() for name in ENV_NAMES}
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"ID-porten needs all of {', '.join(ENV_NAMES)}; missing: {', '.join(missing)}"
        )
    return oidc_app(
        issuer=values["LOKALE_OIDC_ISSUER"],
        client_id=values["LOKALE_OIDC_CLIENT_ID"],
        client_secret=values["LOKALE_OIDC_CLIENT_SECRET"],
    )
