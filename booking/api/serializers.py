import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.api.fields import BoundedDateField, LocalDateTimeField, RoomField, StrictCharField
from booking.api.places import RoomInformationMixin
from booking.api.shared import SharedFields
from booking.models import Booking, Facility, Organisation, Room, Site
from booking.pricing import in_language
from booking.timeutil import to_local


class SiteSerializer(serializers.ModelSerializer):
    description = serializers.CharField(help_text="In the request's language, else bokmål.")
    map_url = serializers.CharField(help_text="OpenStreetMap; empty without a location.")

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "kind",
            "address",
            "latitude",
            "longitude",
            "map_url",
            "description",
        ]


class FacilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Facility
        fields = ["slug", "name_nb", "name_en"]


class RoomSerializer(RoomInformationMixin, serializers.ModelSerializer):
    site = SiteSerializer(read_only=True)
    facilities = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Room
        fields = [
            "id",
            "site",
            "name",
            "capacity",
            "facilities",
            "min_booking_minutes",
            "max_booking_minutes",
            "slot_step_minutes",
            "booking_horizon_days",
            "min_notice_minutes",
            "requires_approval",
            "hourly_price",
            *RoomInformationMixin.FIELDS,
        ]


class IntervalSerializer(serializers.Serializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()


class BusySerializer(IntervalSerializer):
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    booking = serializers.IntegerField(required=False, help_text="Only when you may see it.")
    title = serializers.CharField(required=False, help_text="Only when public or yours.")
    organisation = serializers.CharField(required=False)


class ClosedSerializer(IntervalSerializer):
    reason = serializers.CharField()


class DayAvailabilitySerializer(SharedFields, serializers.Serializer):
    date = serializers.DateField()
    open = IntervalSerializer(many=True)
    free = IntervalSerializer(many=True)
    busy = BusySerializer(many=True)
    closed = ClosedSerializer(many=True)


class AvailabilityQuerySerializer(serializers.Serializer):
    """?from=DATE&to=DATE, both local dates, at most MAX_DAYS days."""

    MAX_DAYS = 31

    def get_fields(self):
        return {"from": BoundedDateField(), "to": BoundedDateField()}

    def validate(self, attrs):
        span = (attrs["to"] - attrs["from"]).days
        if span < 0:
            raise serializers.ValidationError({"to": [_("Must not be before from.")]})
        if span >= self.MAX_DAYS:
            raise serializers.ValidationError(
                {"to": [_("At most %(days)d days at a time.") % {"days": self.MAX_DAYS}]}
            )
        return attrs


class BookingSerializer(SharedFields, serializers.Serializer):
    """A booking as its organisation, a private booker, a caretaker or an officer sees it.

    A plain Serializer (not a ModelSerializer, which rebuilds its fields from the model
    for every instance), with its fields bound once (SharedFields): it is the body of
    every 201 and of every list row.
    """

    id = serializers.IntegerField(read_only=True)
    room = serializers.IntegerField(source="room_id", read_only=True)
    organisation = serializers.IntegerField(
        source="organisation_id", read_only=True, allow_null=True
    )
    booked_by = serializers.CharField(source="booked_by.username", read_only=True)
    start = LocalDateTimeField(read_only=True)
    end = LocalDateTimeField(read_only=True)
    title = serializers.CharField(read_only=True)
    attendees = serializers.IntegerField(read_only=True)
    children_and_youth = serializers.BooleanField(read_only=True)
    public = serializers.BooleanField(read_only=True)
    notes = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Booking.Status.choices, read_only=True)
    decision_note = serializers.CharField(read_only=True)
    decided_at = LocalDateTimeField(read_only=True, allow_null=True)
    cancelled_at = LocalDateTimeField(read_only=True, allow_null=True)
    cancel_reason = serializers.CharField(read_only=True)
    full_price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    waived = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    price_rule = serializers.CharField(source="price_rule_name", read_only=True)
    price_reasons = serializers.SerializerMethodField()
    price_lines = serializers.JSONField(read_only=True)
    payment = serializers.ChoiceField(
        choices=Booking.Payment.choices,
        read_only=True,
        help_text=(
            "How the price is paid: empty (free), invoice, or online. An online booking is "
            "pending until paid: POST /payments/ with the booking starts the payment."
        ),
    )
    guidelines_version = serializers.IntegerField(
        source="guidelines.version",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The version of the site's guidelines accepted with the booking.",
    )
    created_at = LocalDateTimeField(read_only=True)
    updated_at = LocalDateTimeField(read_only=True)

    def get_price_reasons(self, obj) -> list[str]:
        """In the language of the request (nynorsk falls back to bokmål)."""
        return [in_language(reason) for reason in obj.price_reasons]


class BookingWriteSerializer(serializers.Serializer):
    """What a client may send to create or change a booking. Rules are checked by the service."""

    room = RoomField()
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out (or null) to book as a private person.",
    )
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    title = StrictCharField(max_length=200)
    attendees = serializers.IntegerField(min_value=1, max_value=100_000)
    children_and_youth = serializers.BooleanField(required=False, default=False)
    public = serializers.BooleanField(required=False, default=False)
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    payer_name = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A private person booking what costs money: the name to invoice.",
    )
    payer_address = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="A private person booking what costs money: the address to invoice.",
    )

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


class RecurrenceSerializer(serializers.Serializer):
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        min_length=1,
        max_length=7,
        help_text="0 = Monday … 6 = Sunday.",
    )
    until = BoundedDateField(help_text="The last date (inclusive), local.")

    def validate_weekdays(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Give each weekday once."))
        return value


class BookingCreateSerializer(SharedFields, BookingWriteSerializer):
    """One booking, or with ``recurrence`` a weekly series whose first occurrence is
    ``start``–``end`` (the local times repeat every chosen weekday until ``until``)."""

    recurrence = RecurrenceSerializer(required=False)
    accept_guidelines = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Required (true) at a site with guidelines (GET /sites/{id}/guidelines/).",
    )
    preview = serializers.BooleanField(
        required=False, default=False, help_text="Series only: list the weeks, book nothing."
    )
    on_conflict = serializers.ChoiceField(
        choices=["fail", "skip"],
        required=False,
        default="fail",
        help_text="Series only: book nothing unless all weeks are free, or skip the taken.",
    )
    include_holidays = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Series only: book public holidays too (by default they are skipped).",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("preview") and not attrs.get("recurrence"):
            raise serializers.ValidationError(
                {"preview": [_("Preview is for a weekly series; use /quotes/ for one booking.")]}
            )
        recurrence = attrs.get("recurrence")
        if recurrence:
            start, end = to_local(attrs["start"]), to_local(attrs["end"])
            same_day = end.date() == start.date()
            to_midnight = end.time() == dt.time(0) and end.date() == start.date() + dt.timedelta(1)
            if not (same_day or to_midnight):
                raise serializers.ValidationError(
                    {"end": [_("A weekly booking starts and ends on the same day.")]}
                )
            if recurrence["until"] < start.date():
                raise serializers.ValidationError(
                    {"recurrence": {"until": [_("Must not be before the first date.")]}}
                )
        return attrs


class OccurrenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    start = LocalDateTimeField(allow_null=True)
    end = LocalDateTimeField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["free", "taken", "closed", "outside_hours", "invalid", "holiday"],
        help_text="holiday: a public holiday, skipped unless include_holidays; reason names it.",
    )
    reason = serializers.CharField()
    conflicts = serializers.SerializerMethodField()
    price = serializers.DecimalField(
        source="quote.price", max_digits=12, decimal_places=2, allow_null=True, default=None
    )
    full_price = serializers.DecimalField(
        source="quote.full_price", max_digits=12, decimal_places=2, allow_null=True, default=None
    )

    @extend_schema_field(IntervalSerializer(many=True))
    def get_conflicts(self, obj):
        return [
            {"start": to_local(s).isoformat(), "end": to_local(e).isoformat()}
            for s, e in obj.conflicts
        ]


class SeriesPlanSerializer(serializers.Serializer):
    occurrences = OccurrenceSerializer(many=True)
    free = serializers.SerializerMethodField()
    total_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_full_price = serializers.DecimalField(max_digits=14, decimal_places=2)

    def get_free(self, obj) -> int:
        return len(obj.free)


class SeriesCreatedSerializer(serializers.Serializer):
    series = serializers.IntegerField()
    booked = BookingSerializer(many=True)
    skipped = OccurrenceSerializer(many=True)
    total_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_full_price = serializers.DecimalField(max_digits=14, decimal_places=2)


class BookingUpdateSerializer(BookingWriteSerializer):
    """A change: any of the fields above but the organisation, which stays."""

    organisation = None


class DecisionSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=["booking", "series"],
        required=False,
        default="booking",
        help_text="series: every occurrence of the booking's weekly series awaiting approval.",
    )
    note = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when rejecting: the organisation is told why.",
    )


class CancelledCountSerializer(serializers.Serializer):
    cancelled = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = IntervalSerializer(many=True)


class PublicEventSerializer(SharedFields, serializers.Serializer):
    """Another organisation's public event: what is on the activity calendar anyway."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name", default=None)
    room_name = serializers.CharField(source="room.name")
    site_name = serializers.CharField(source="room.site.name")
    start = LocalDateTimeField()
    end = LocalDateTimeField()


class BookingCreatedSerializer(BookingSerializer):
    public_overlaps = PublicEventSerializer(
        many=True,
        help_text="For a public booking: other public events in the municipality at the same "
        "time, so the organiser can avoid a clash. The booking is made either way.",
    )
