"""Booking officers close a site or a room: preview the bookings it hits, then save."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.fields import LocalDateTimeField, StrictCharField
from booking.closures import REASON_MAX_LENGTH, closure_create, closure_hits, closure_validate
from booking.models import Booking, Room, Site


class ClosureWriteSerializer(serializers.Serializer):
    """Exactly one of site and room. The service checks the rest and names the field."""

    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True, default=None
    )
    room = serializers.PrimaryKeyRelatedField(
        queryset=Room.objects.select_related("site"), required=False, allow_null=True, default=None
    )
    start = LocalDateTimeField()
    end = LocalDateTimeField(help_text="Exclusive: a booking that starts then is not hit.")
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)
    preview = serializers.BooleanField(
        required=False,
        default=False,
        help_text="List the bookings the closure would cancel, and save nothing.",
    )


class ClosureHitSerializer(serializers.Serializer):
    """A booking the closure cancels (or, in a preview, would cancel)."""

    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    room_name = serializers.CharField(source="room.name")
    site_name = serializers.CharField(source="room.site.name")
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    organisation = serializers.CharField(
        source="organisation.name", allow_null=True, default=None, help_text="Null: a person."
    )
    title = serializers.CharField()
    cancel_reason = serializers.CharField()


class ClosurePreviewSerializer(serializers.Serializer):
    hits = ClosureHitSerializer(many=True)
    count = serializers.IntegerField()


class SavedClosureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.IntegerField(source="site_id", allow_null=True)
    room = serializers.IntegerField(source="room_id", allow_null=True)
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    reason = serializers.CharField()


class ClosureCreatedSerializer(serializers.Serializer):
    closure = SavedClosureSerializer()
    cancelled = ClosureHitSerializer(many=True)


class ClosureView(APIView):
    """Booking officers: close a site or a room for a period. Every pending or confirmed
    booking it overlaps is cancelled, with the reason recorded on the booking."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ClosureWriteSerializer,
        responses={
            200: OpenApiResponse(ClosurePreviewSerializer, description="preview: nothing saved"),
            201: OpenApiResponse(ClosureCreatedSerializer, description="closed; hits cancelled"),
            400: OpenApiResponse(description="Invalid input; the body names each field."),
            403: OpenApiResponse(description="Only booking officers close sites and rooms."),
        },
    )
    def post(self, request):
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        incoming = ClosureWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if data.pop("preview"):
            closure_validate(**data)
            data.pop("reason")
            hits = list(closure_hits(**data))
            body = {"hits": hits, "count": len(hits)}
            return Response(ClosurePreviewSerializer(body).data)
        closure, cancelled = closure_create(by=request.user, **data)
        body = {"closure": closure, "cancelled": cancelled}
        return Response(ClosureCreatedSerializer(body).data, status=status.HTTP_201_CREATED)
