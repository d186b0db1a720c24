"""API: price quotes and the support report."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.fields import LocalDateTimeField
from booking.api.views import BAD_REQUEST
from booking.models import Organisation, Room
from booking.price_list import room_price_list
from booking.pricing import quote_price
from booking.reports import support_report


class QuoteRequestSerializer(serializers.Serializer):
    MAX_DAYS = 31

    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.select_related("site"))
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    children_and_youth = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if (attrs["end"] - attrs["start"]).days >= self.MAX_DAYS:
            raise serializers.ValidationError(
                {"end": [_("At most %(days)d days at a time.") % {"days": self.MAX_DAYS}]}
            )
        return attrs


MONEY = {"max_digits": 14, "decimal_places": 2}


class PriceLineSerializer(serializers.Serializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    full_price = serializers.DecimalField(source="full", **MONEY)
    price = serializers.DecimalField(**MONEY)
    waived = serializers.DecimalField(**MONEY)
    rule = serializers.CharField(source="rule.name", allow_null=True, default=None)
    reason = serializers.CharField()


class QuoteSerializer(serializers.Serializer):
    """Money as decimal strings in NOK, never floats."""

    full_price = serializers.DecimalField(**MONEY)
    price = serializers.DecimalField(**MONEY)
    waived = serializers.DecimalField(**MONEY)
    currency = serializers.SerializerMethodField()
    rule = serializers.CharField(source="rule.name", allow_null=True, default=None)
    reasons = serializers.SerializerMethodField()
    lines = PriceLineSerializer(many=True)

    def get_currency(self, obj) -> str:
        return "NOK"

    def get_reasons(self, obj) -> list[str]:
        return obj.reasons()


class PriceListEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "voluntary_verified", "voluntary_unverified", "municipal", "commercial", "other",
            "private",
        ]
    )  # fmt: skip
    label = serializers.CharField()
    children_and_youth = serializers.BooleanField(
        help_text="The price of an activity for children and young people, listed where a "
        "rule makes it differ."
    )
    quote = QuoteSerializer(help_text="The quote for the hour from start to end.")


class PriceListSerializer(serializers.Serializer):
    """What each kind of booker pays for one typical hour, from the same rules as quotes."""

    room = serializers.IntegerField(source="room.pk")
    currency = serializers.SerializerMethodField()
    hourly_price = serializers.DecimalField(source="room.hourly_price", **MONEY)
    start = LocalDateTimeField(help_text="The hour quoted: the next Tuesday 18:00 local time.")
    end = LocalDateTimeField()
    varies_by_time = serializers.BooleanField(
        help_text="Some price rule for this room depends on the weekday, the time of day or "
        "the date: other hours may cost otherwise (POST /quotes/ for a given time)."
    )
    prices = PriceListEntrySerializer(source="entries", many=True)

    def get_currency(self, obj) -> str:
        return "NOK"


class OrganisationSupportSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    name = serializers.CharField()
    org_number = serializers.CharField()
    category = serializers.CharField()
    bookings = serializers.IntegerField()
    hours = serializers.DecimalField(**MONEY)
    full_price = serializers.DecimalField(source="full", **MONEY)
    paid = serializers.DecimalField(**MONEY)
    waived = serializers.DecimalField(**MONEY)


class RoomUseSerializer(serializers.Serializer):
    room = serializers.IntegerField(source="room_id")
    site = serializers.CharField()
    name = serializers.CharField(source="room")
    booked_hours = serializers.DecimalField(**MONEY)
    open_hours = serializers.DecimalField(**MONEY)
    use_percent = serializers.DecimalField(max_digits=6, decimal_places=1)


class SupportReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    currency = serializers.SerializerMethodField()
    organisations = OrganisationSupportSerializer(many=True)
    total = OrganisationSupportSerializer()
    rooms = RoomUseSerializer(many=True)

    def get_currency(self, obj) -> str:
        return "NOK"


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class QuoteView(APIView):
    """What a booking would cost, and why. Saves nothing."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=QuoteRequestSerializer, responses={200: QuoteSerializer, 400: BAD_REQUEST}
    )
    def post(self, request):
        incoming = QuoteRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organisation = data.get("organisation")
        if organisation is not None and not (
            organisation.pk in roles.organisation_ids(request.user)
            or roles.is_officer(request.user)
        ):
            raise ValidationError(
                {"organisation": [_("You are not a member of this organisation.")]}
            )
        quote = quote_price(
            room=data["room"],
            organisation=organisation,
            start=data["start"],
            end=data["end"],
            children_and_youth=data["children_and_youth"],
        )
        return Response(QuoteSerializer(quote).data)


class RoomPricesView(APIView):
    """What each kind of booker pays per hour in the room, and why. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: PriceListSerializer})
    def get(self, request, pk: int):
        room = get_object_or_404(Room.objects.select_related("site"), pk=pk, is_active=True)
        return Response(PriceListSerializer(room_price_list(room=room)).data)


class SupportReportView(APIView):
    """Booking officers: the municipality's support in kind per organisation for a year,
    and each room's booked hours against its open hours."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True)],
        responses={200: SupportReportSerializer, 400: BAD_REQUEST},
    )
    def get(self, request):
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = support_report(query.validated_data["year"])
        return Response(SupportReportSerializer(report).data)
