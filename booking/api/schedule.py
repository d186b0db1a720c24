"""The caretaker's day schedule over the API."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking.api.fields import BoundedDateField, LocalDateTimeField
from booking.caretaking import can_see_schedule, day_schedule
from booking.models import Site


class ScheduleQuerySerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    date = BoundedDateField(required=False, help_text="Default: today (Europe/Oslo).")


class ScheduleBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    status = serializers.CharField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name", default=None)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    attendees = serializers.IntegerField()
    notes = serializers.CharField(help_text="Setup notes for the caretaker.")
    equipment = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    def get_contact_name(self, booking) -> str:
        return booking.booked_by.get_full_name() or booking.booked_by.username

    def get_contact_phone(self, booking) -> str:
        profile = getattr(booking.booked_by, "profile", None)
        phone = profile.phone if profile else ""
        return phone or (booking.organisation.contact_phone if booking.organisation else "")

    def get_equipment(self, booking) -> list[str]:
        reserved = getattr(booking, "equipment", None)
        if reserved is None:
            return []
        return [f"{r.quantity} × {r.item_type}" for r in reserved.all() if r.status != "cancelled"]

    def get_reports(self, booking) -> list[dict]:
        return [{"kind": r.kind, "note": r.note} for r in booking.reports.all()]


class ClosureInScheduleSerializer(serializers.Serializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    reason = serializers.CharField()


class RoomDaySerializer(serializers.Serializer):
    room = serializers.IntegerField(source="room.pk")
    room_name = serializers.CharField(source="room.name")
    bookings = ScheduleBookingSerializer(many=True)
    closures = ClosureInScheduleSerializer(many=True)


class ScheduleSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    site_name = serializers.CharField(source="site.name")
    date = serializers.DateField()
    site_closures = ClosureInScheduleSerializer(many=True)
    rooms = RoomDaySerializer(many=True)


class ScheduleView(APIView):
    """A site's day: per room and time, who comes, how many, the contact, setup notes,
    equipment and closures. Caretakers of the site and booking officers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ScheduleQuerySerializer],
        responses={
            200: ScheduleSerializer,
            400: OpenApiResponse(description="Invalid input; the body names each field."),
            403: OpenApiResponse(description="Not a caretaker of this site."),
        },
    )
    def get(self, request):
        query = ScheduleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        site = query.validated_data["site"]
        if not can_see_schedule(request.user, site):
            raise PermissionDenied()
        day = query.validated_data.get("date") or timezone.localdate()
        return Response(ScheduleSerializer(day_schedule(site, day)).data)
