"""Serializers of the lending API. Input is read strictly; the services check the rules."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from booking.api.fields import BoundedDateField, LocalDateTimeField, StrictCharField
from booking.models import Booking, Site
from lending.models import Borrower, ItemType, LoanLine

MAX_PERIOD_DAYS = 62


class CatalogueQuerySerializer(serializers.Serializer):
    centre = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.filter(kind=Site.Kind.LENDING_CENTRE), required=False
    )
    category = serializers.ChoiceField(choices=ItemType.Category.choices, required=False)
    # "from" and "to" are the query's names; Python will not take them as attribute names.
    locals()["from"] = BoundedDateField(required=False, help_text="Default: today.")
    locals()["to"] = BoundedDateField(required=False, help_text="Default: from + 13 days.")

    def validate(self, data):
        start = data.get("from") or self.context["today"]
        end = data.get("to") or start + dt.timedelta(days=13)
        if end < start:
            raise serializers.ValidationError({"to": [_("Must be on or after from.")]})
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise serializers.ValidationError(
                {"to": [_("At most %(n)d days at a time.") % {"n": MAX_PERIOD_DAYS}]}
            )
        return {**data, "from": start, "to": end}


class DayFreeSerializer(serializers.Serializer):
    date = serializers.DateField()
    free = serializers.IntegerField(help_text="Units free that day (never below 0).")


class ItemTypeSerializer(serializers.ModelSerializer):
    centre_name = serializers.CharField(source="centre.name")
    units = serializers.IntegerField(help_text="Usable units (not in repair or retired).")
    days = DayFreeSerializer(many=True)

    class Meta:
        model = ItemType
        fields = ["id", "centre", "centre_name", "name", "size", "category", "description",
                  "default_loan_days", "max_loan_days", "max_per_borrower", "turnaround_days",
                  "units", "days"]  # fmt: skip

    def to_representation(self, instance):
        """The same fields, written directly: 500 types × 14 days through DRF's field
        machinery took most of the catalogue's time (bench/lending.py)."""
        t = instance
        return {
            "id": t.pk, "centre": t.centre_id, "centre_name": t.centre.name, "name": t.name,
            "size": t.size, "category": t.category, "description": t.description,
            "default_loan_days": t.default_loan_days, "max_loan_days": t.max_loan_days,
            "max_per_borrower": t.max_per_borrower, "turnaround_days": t.turnaround_days,
            "units": t.units,
            "days": [{"date": d["date"].isoformat(), "free": d["free"]} for d in t.days],
        }  # fmt: skip


class ReservationWriteSerializer(serializers.Serializer):
    item_type = serializers.PrimaryKeyRelatedField(
        queryset=ItemType.objects.select_related("centre")
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100)
    start = BoundedDateField(help_text="Pick-up date.", required=False)
    end = BoundedDateField(help_text="Return date (inclusive).", required=False)
    borrower = serializers.PrimaryKeyRelatedField(
        queryset=Borrower.objects.filter(anonymised_at__isnull=True), required=False,
        help_text="Staff only; default: the signed-in person.",
    )  # fmt: skip
    booking = serializers.PrimaryKeyRelatedField(
        queryset=Booking.objects.select_related("organisation", "room__site"), required=False,
        help_text="Equipment for a room booking: reserved for the booking's day.",
    )  # fmt: skip
    accept_guidelines = serializers.BooleanField(
        required=False, default=False,
        help_text="Needed only for a booking made before its site had guidelines.",
    )  # fmt: skip

    def validate(self, data):
        if "booking" not in data:
            for field in ("start", "end"):
                if field not in data:
                    raise serializers.ValidationError({field: [_("This field is required.")]})
        return data


class ReservationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item_type = serializers.IntegerField(source="item_type_id")
    item_type_name = serializers.CharField(source="item_type.__str__")
    quantity = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    status = serializers.CharField()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)


class BorrowerSearchSerializer(serializers.Serializer):
    """?q=: phone digits or part of a name, as text (DRF's CharField refuses NUL)."""

    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class BorrowerWriteSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    phone = StrictCharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=["nb", "nn", "en"], default="nb")
    is_minor = serializers.BooleanField(default=False)
    guardian_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    guardian_phone = StrictCharField(max_length=20, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(help_text="The borrower agrees that we keep these details.")


class BorrowerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Borrower
        fields = ["id", "kind", "name", "phone", "email", "language", "is_minor",
                  "guardian_name", "guardian_phone"]  # fmt: skip


class LoanWriteSerializer(serializers.Serializer):
    borrower = serializers.PrimaryKeyRelatedField(
        queryset=Borrower.objects.filter(anonymised_at__isnull=True)
    )
    barcodes = serializers.ListField(
        child=StrictCharField(max_length=32), min_length=1, max_length=50
    )
    due = BoundedDateField(required=False, help_text="Default: the shortest default loan.")


class ScanSerializer(serializers.Serializer):
    barcode = serializers.CharField()
    ok = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="unknown, duplicate, retired, in_repair, out, over_max or reserved"
    )
    message = serializers.CharField()
    item_type = serializers.CharField(source="item.item_type", allow_null=True, default=None)


class LoanCheckSerializer(serializers.Serializer):
    due = serializers.DateField()
    scans = ScanSerializer(many=True)


class LoanLineSerializer(serializers.Serializer):
    barcode = serializers.CharField(source="item.barcode")
    item_type = serializers.CharField(source="item.item_type.__str__")
    returned_at = LocalDateTimeField(allow_null=True)
    condition = serializers.CharField()
    note = serializers.CharField()


class LoanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    borrower = serializers.IntegerField(source="borrower_id")
    borrower_name = serializers.CharField(source="borrower.name")
    centre = serializers.IntegerField(source="centre_id")
    lent_at = LocalDateTimeField()
    due = serializers.DateField()
    lines = LoanLineSerializer(many=True)


class ReturnWriteSerializer(serializers.Serializer):
    barcode = StrictCharField(max_length=32)
    condition = serializers.ChoiceField(choices=LoanLine.Condition.choices)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    barcode = serializers.CharField(source="item.barcode")
    loan = serializers.IntegerField(source="loan_id")
    borrower_name = serializers.CharField(source="loan.borrower.name")
    returned_at = LocalDateTimeField()
    condition = serializers.CharField()
    item_status = serializers.CharField(source="item.status")


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    centre = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.filter(kind=Site.Kind.LENDING_CENTRE), required=False
    )
