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
from booking.timeutil import OSLO


class ScheduleQuerySerializer(serializers.Serializer):
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    date = BoundedDateField(required=False, help_text="Default: today (Europe/Oslo).")


class ScheduleBookingSerializer(serializers.Serializer):
    """The fields of a booking in the day schedule (written out directly: 300 bookings
    through DRF's field machinery took most of the response time)."""

    id = serializers.IntegerField()
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    status = serializers.CharField()
    title = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True, help_text="Empty: a private person.")
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    attendees = serializers.IntegerField()
    notes = serializers.CharField(help_text="Setup notes for the caretaker.")
    equipment = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    def get_contact_name(self, booking) -> str:
        return booking.contact_name

    def get_contact_phone(self, booking) -> str:
        return booking.contact_phone

    def get_equipment(self, booking) -> list[str]:
        return booking.equipment_list

    def get_reports(self, booking) -> list[dict]:
        return [{"kind": r.kind, "note": r.note} for r in booking.report_list]

    def to_representation(self, b):
        return {
            "id": b.pk, "start": b.start.astimezone(OSLO).isoformat(),
            "end": b.end.astimezone(OSLO).isoformat(), "status": b.status, "title": b.title,
            "organisation": b.organisation,
            "contact_name": b.contact_name, "contact_phone": b.contact_phone,
            "attendees": b.attendees, "notes": b.notes, "equipment": b.equipment_list,
            "reports": [{"kind": r.kind, "note": r.note} for r in b.report_list],
        }  # fmt: skip


class ClosureInScheduleSerializer(serializers.Serializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    reason = serializers.CharField()


class RoomDaySerializer(serializers.Serializer):
    room = serializers.IntegerField(source="room.id")
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
