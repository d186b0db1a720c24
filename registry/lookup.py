"""Find a unit: first in the local copy, then (when configured) in the register's open API."""

import requests
from django.conf import settings
from django.utils import timezone

from registry.importer import DATA_FIELDS, BadUnit, unit_from_json
from registry.models import Unit
from registry.orgnr import org_number_is_valid


class RegisterUnavailable(Exception):
    """Enhetsregisteret's API did not answer in time, or answered with an error."""


def _ask_register(org_number: str) -> dict | None:
    url = f"{settings.BRREG_URL}/enheter/{org_number}"
    try:
        response = requests.get(
            url,
            timeout=settings.BRREG_TIMEOUT,
            headers={"Accept": "application/json"},
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise RegisterUnavailable(f"{url}: {error}") from error
    if response.status_code == 404:
        return None
    if response.status_code not in (200, 410):
        raise RegisterUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 410:
        # Gone: deleted from the register. The body, when there is one, tells when.
        body = body if isinstance(body, dict) else {}
        body.setdefault("organisasjonsnummer", org_number)
        body.setdefault("slettedato", timezone.localdate().isoformat())
    if not isinstance(body, dict):
        raise RegisterUnavailable(f"{url}: the answer is not a unit")
    try:
        unit = unit_from_json(body)
    except BadUnit as error:
        raise RegisterUnavailable(f"{url}: {error}") from error
    if unit["org_number"] != org_number:
        raise RegisterUnavailable(f"{url}: answered with another unit")
    return unit


def unit_lookup(org_number: str) -> Unit | None:
    """The register's unit with this (valid) organisation number, or None when the
    register does not know it.

    Reads the local copy; a number not in it is asked of the register's API when
    ``LOKALE_BRREG_URL`` is set, and what the API says is kept in the copy. A deleted
    unit is returned with ``deleted_on`` set. Raises ``RegisterUnavailable`` when the API
    times out (``LOKALE_BRREG_TIMEOUT``), cannot be reached or answers with an error.
    """
    if not org_number_is_valid(org_number):
        raise ValueError(f"not an organisation number: {org_number!r}")
    unit = Unit.objects.filter(pk=org_number).first()
    if unit is not None or not settings.BRREG_URL:
        return unit
    found = _ask_register(org_number)
    if found is None:
        return None
    unit, _ = Unit.objects.update_or_create(
        org_number=org_number,
        defaults={**{name: found[name] for name in DATA_FIELDS}, "imported_at": timezone.now()},
    )
    return unit
