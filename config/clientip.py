"""Which address a request came from, behind as many proxies as LOKALE_TRUSTED_PROXIES."""

import ipaddress

from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str | None:
    """The client's address as the API throttles see it (DRF's NUM_PROXIES rule): REMOTE_ADDR
    without trusted proxies, else the X-Forwarded-For entry our outermost proxy wrote.

    Used by django-axes, so the login lockout and the throttles key on the same address.
    An entry that is not an IP address (a proxy count set higher than the proxies there
    are lets the client write it) gives REMOTE_ADDR instead.
    """
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
