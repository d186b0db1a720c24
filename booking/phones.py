"""Phone numbers as Lokale keeps them: E.164, Norwegian when no country code is given."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_REGION = "NO"


def phone_e164(value: str, *, field: str = "contact_phone") -> str:
    """A phone number in E.164 (``+4791234567``); Norwegian when it has no country code.
    Empty stays empty; anything that is not a possible number is a ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Enter a valid phone number, such as 912 34 567 or +46 70 123 45 67.")
        raise ValidationError({field: [message]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
