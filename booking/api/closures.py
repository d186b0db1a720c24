"""Booking officers close a site or a room: preview the bookings it hits, then save."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.fields import LocalDateTimeField, StrictCharField
from booking.closures import (
    REASON_MAX_LENGTH,
    closure_create,
    closure_fingerprint,
    closure_hits,
    closure_validate,
)
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
    fingerprint = StrictCharField(
        required=False,
        max_length=64,
        help_text="The fingerprint of the preview you confirm: if the bookings the closure "
        "would cancel differ by now, 409 and nothing is saved.",
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
    fingerprint = serializers.CharField(
        help_text="Send it back with the closure to cancel exactly these bookings."
    )


class OutdatedHitSerializer(serializers.Serializer):
    booking = serializers.IntegerField()


class ClosureOutdatedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = OutdatedHitSerializer(many=True, help_text="What the closure would cancel now.")


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
            409: OpenApiResponse(
                ClosureOutdatedSerializer,
                description="The hits differ from the preview confirmed; nothing saved.",
            ),
        },
    )
    def post(self, request):
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        incoming = ClosureWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        expect = data.pop("fingerprint", None)
        if data.pop("preview"):
            closure_validate(**data)
            data.pop("reason")
            hits = list(closure_hits(**data))
            fingerprint = closure_fingerprint(**data, hits=hits)
            body = {"hits": hits, "count": len(hits), "fingerprint": fingerprint}
            return Response(ClosurePreviewSerializer(body).data)
        closure, cancelled = closure_create(by=request.user, expect=expect, **data)
        body = {"closure": closure, "cancelled": cancelled}
        return Response(ClosureCreatedSerializer(body).data, status=status.HTTP_201_CREATED)
