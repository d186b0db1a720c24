from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from registry.orgnr import org_number_is_valid

# The years the service works in: far-off years would overflow day arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2100

ERRORS = {
    "invalid": _("Use an ISO 8601 date and time, e.g. 2027-01-14T18:00:00+01:00."),
    "range": _("The year must be between 2000 and 2100."),
    "nonexistent": _(
        "This local time does not exist in Europe/Oslo (the clocks go forward); "
        "give another time or an offset."
    ),
    "ambiguous": _(
        "This local time happens twice in Europe/Oslo (the clocks go back); give an offset, "
        "e.g. +02:00 or +01:00."
    ),
}


def validate_org_number(value: str) -> None:
    if not org_number_is_valid(value):
        raise ValidationError(
            _("Not a valid organisation number (9 digits with a correct check digit)."),
            code="invalid_org_number",
        )


# Kept at its old path, which the migrations name.
@deconstructible(path="booking.models.ChoiceListValidator")
class ChoiceListValidator:
    """A JSON list whose every item is one of the allowed values."""

    def __init__(self, allowed: list, what: str):
        self.allowed = list(allowed)
        self.what = what

    def __call__(self, values):
        if not isinstance(values, list) or any(v not in self.allowed for v in values):
            raise ValidationError(
                _("Choose %(what)s among: %(allowed)s.")
                % {"what": self.what, "allowed": ", ".join(map(str, self.allowed))}
            )

    def __eq__(self, other):
        return (
            isinstance(other, ChoiceListValidator)
            and self.allowed == other.allowed
            and self.what == other.what
        )
