import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.timeutil import OSLO, UTC, AmbiguousTimeError, NonExistentTimeError, localize
from booking.validators import ERRORS, MAX_YEAR, MIN_YEAR


def parse_local_datetime(value) -> dt.datetime:
    """ISO 8601 with an offset, or without one read as Europe/Oslo; raises ValueError."""
    if not isinstance(value, str):
        raise TypeError("not a string")
    parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise OverflowError(parsed.year)
    if parsed.tzinfo is None:
        parsed = localize(parsed)
    return parsed.astimezone(UTC)


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeField(serializers.Field):
    """A datetime read strictly: offset given, or Europe/Oslo wall time that exists once."""

    default_error_messages = ERRORS

    def to_internal_value(self, data):
        try:
            return parse_local_datetime(data)
        except NonExistentTimeError:
            self.fail("nonexistent")
        except AmbiguousTimeError:
            self.fail("ambiguous")
        except OverflowError:
            self.fail("range")
        except (TypeError, ValueError):
            self.fail("invalid")

    def to_representation(self, value):
        return value.astimezone(OSLO).isoformat()


class StrictCharField(serializers.CharField):
    """Text that must be sent as a string: DRF's CharField would take 12345 as "12345"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BoundedDateField(serializers.DateField):
    """A date in the years the service works in; 0001-01-01 or 9999-12-31 would overflow
    when turned into the instants that bound the day."""

    default_error_messages = {"range": ERRORS["range"]}

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            self.fail("range")
        return date


class RoomField(serializers.PrimaryKeyRelatedField):
    """A room by id, with its facts as this process keeps them (booking/facts.py): the
    version is read, and the room, its hours, closures and guidelines come from memory
    while nothing has changed. Refuses as PrimaryKeyRelatedField does."""

    def __init__(self, **kwargs):
        from booking.models import Room

        super().__init__(queryset=Room.objects.all(), **kwargs)

    def to_internal_value(self, data):
        from booking.facts import room_facts

        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if str(pk) != str(data).strip() or not -(2**63) <= pk < 2**63:
            self.fail("does_not_exist", pk_value=data)
        facts = room_facts(pk)
        if facts is None:
            self.fail("does_not_exist", pk_value=data)
        return facts.room_for_request()
