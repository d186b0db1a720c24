"""Who pays for a booking that costs money, and how: by invoice, or online at booking.

Settings decide (README, "Money"): with a payment backend configured
(``LOKALE_PAYMENT_BACKEND``), private persons and the organisation categories in
``LOKALE_PAY_AT_BOOKING`` pay when they book. Paying later by invoice favours the payer,
so an organisation is invoiced only once an officer (or the register) has verified a
category that is not in that list; a request that needs approval is always invoiced (its
price is owed only once it is approved). Everyone else who owes money is invoiced: an
organisation at its invoice address from "My organisation", a private person at the name
and address given with the booking.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from booking.models import Booking, Organisation, Room

FREE = Booking.Payment.NONE
INVOICE = Booking.Payment.INVOICE
ONLINE = Booking.Payment.ONLINE

PAYER_NAME_MAX = 200
PAYER_ADDRESS_MAX = 500


def pays_online(organisation: Organisation | None) -> bool:
    """Does this booker pay at booking (when a backend is configured)?"""
    if not settings.PAYMENT_BACKEND:
        return False
    if organisation is None:
        return "private" in settings.PAY_AT_BOOKING
    if not organisation.category_verified:
        return True
    return organisation.category in settings.PAY_AT_BOOKING


def payment_method(*, organisation: Organisation | None, room: Room, price: Decimal) -> str:
    """How a new booking at ``price`` is paid: nothing to pay, invoice or online."""
    if price <= 0:
        return FREE
    if not room.requires_approval and pays_online(organisation):
        return ONLINE
    return INVOICE


def check_payer(
    *, organisation: Organisation | None, method: str, payer_name: str, payer_address: str
) -> tuple[str, str]:
    """The private payer's name and address to keep with an invoiced booking, or a
    ValidationError naming what is missing. An organisation is invoiced at its own
    invoice address, which must be there."""
    if method != INVOICE:
        return "", ""
    if organisation is not None:
        if not organisation.invoice_address.strip():
            raise ValidationError(
                {
                    "organisation": [
                        _(
                            "This booking costs money and %(name)s has no invoice address. "
                            "An admin of the organisation adds it under My organisation."
                        )
                        % {"name": organisation.name}
                    ]
                }
            )
        return "", ""
    name, address = (payer_name or "").strip(), (payer_address or "").strip()
    errors = {}
    if not name:
        errors["payer_name"] = [_("This booking costs money: give the name to invoice.")]
    elif len(name) > PAYER_NAME_MAX:
        errors["payer_name"] = [_("At most %(n)s characters.") % {"n": PAYER_NAME_MAX}]
    if not address:
        errors["payer_address"] = [_("This booking costs money: give the address to invoice.")]
    elif len(address) > PAYER_ADDRESS_MAX:
        errors["payer_address"] = [_("At most %(n)s characters.") % {"n": PAYER_ADDRESS_MAX}]
    if errors:
        raise ValidationError(errors)
    return name, address
