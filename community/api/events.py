"""Events over the API: anyone lists and reads published events (no personal data);
members of the organisation write theirs; booking officers hide one with a reason."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from booking import roles
from booking.api.fields import BoundedDateField, LocalDateTimeField, StrictCharField
from booking.models import Booking, Organisation, Site
from booking.timeutil import local_midnight
from community import events as services
from community.models import AgeGroup, Category, Event
from community.selectors import public_events

BAD_REQUEST = OpenApiResponse(description="Invalid input; the body names each field.")
DEFAULT_SPAN = dt.timedelta(days=365)


class EventSerializer(serializers.ModelSerializer):
    """An event as anyone sees it: the organisation's name, never a person."""

    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(
        source="organisation.public_name",
        read_only=True,
        help_text="Empty unless the organisation is listed in the directory.",
    )
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    site = serializers.IntegerField(source="site_id", allow_null=True)
    site_name = serializers.SerializerMethodField()
    room_name = serializers.SerializerMethodField()
    age_groups = serializers.ListField(child=serializers.ChoiceField(AgeGroup.choices))
    image = serializers.SerializerMethodField()
    image_thumbnail = serializers.SerializerMethodField()
    uid = serializers.CharField()

    class Meta:
        model = Event
        fields = ["id", "uid", "organisation", "organisation_name", "title", "description",
                  "start", "end", "booking", "place", "site", "site_name", "room_name",
                  "category", "age_groups", "link", "image", "image_thumbnail", "image_alt",
                  "status", "sequence"]  # fmt: skip

    def get_site_name(self, event) -> str | None:
        return event.site.name if event.site_id else None

    def get_room_name(self, event) -> str | None:
        return event.booking.room.name if event.booking_id and event.booking else None

    def get_image(self, event) -> str | None:
        return event.image.url if event.image else None

    def get_image_thumbnail(self, event) -> str | None:
        return event.image_thumbnail.url if event.image_thumbnail else None


class EventWriteSerializer(serializers.Serializer):
    """The services check the rest (an organisation's own active booking, an http(s) link,
    the end after the start) and name the field they refuse."""

    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=4000, required=False, allow_blank=True)
    start = LocalDateTimeField(required=False, allow_null=True,
                               help_text="Default: the booking's start.")  # fmt: skip
    end = LocalDateTimeField(required=False, allow_null=True,
                             help_text="Default: the booking's end.")  # fmt: skip
    booking = serializers.PrimaryKeyRelatedField(
        queryset=Booking.objects.select_related("room__site"), required=False, allow_null=True,
        help_text="One of the organisation's own active bookings; the event lies within it.",
    )  # fmt: skip
    place = StrictCharField(max_length=300, required=False, allow_blank=True,
                            help_text="Where, in words; required without a booking.")  # fmt: skip
    category = serializers.ChoiceField(Category.choices)
    age_groups = serializers.ListField(
        child=serializers.ChoiceField(AgeGroup.choices), min_length=1, max_length=5
    )
    link = StrictCharField(max_length=300, required=False, allow_blank=True)
    image_alt = StrictCharField(max_length=300, required=False, allow_blank=True)


class EventCreateSerializer(EventWriteSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())


class HideSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=services.REASON_MAX_LENGTH)


class EventQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is added under that name below.
    to = BoundedDateField(required=False, help_text="Inclusive. Default: a year on.")
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all(), required=False)
    category = serializers.ChoiceField(Category.choices, required=False)
    age_group = serializers.ChoiceField(AgeGroup.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = BoundedDateField(required=False, help_text="Default: today.")
        return fields


EVENT_QUERY = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Default: today."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Inclusive. Default: a year on."),
    OpenApiParameter("site", OpenApiTypes.INT),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
    OpenApiParameter("age_group", OpenApiTypes.STR, enum=AgeGroup.values,
                     description='Events for this group; events "for all" are included.'),
]  # fmt: skip


class EventViewSet(viewsets.GenericViewSet):
    """Published events (anyone); an organisation's members write its events."""

    serializer_class = EventSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        user = self.request.user
        visible = Q(status=Event.Status.PUBLISHED)
        if roles.is_officer(user):
            visible = Q()
        elif user.is_authenticated:
            visible |= Q(organisation_id__in=roles.organisation_ids(user))
        return Event.objects.filter(visible).select_related("organisation", "site", "booking__room")

    def _event(self, pk) -> Event:
        if not str(pk).isdecimal() or len(str(pk)) > 10:
            raise Http404
        event = self.get_queryset().filter(pk=pk).first()
        if event is None:
            raise Http404
        return event

    def _editable(self, pk) -> Event:
        event = self._event(pk)
        if not services.can_edit(self.request.user, event):
            raise PermissionDenied
        return event

    @extend_schema(parameters=EVENT_QUERY, responses={200: EventSerializer(many=True)},
                   filters=False)  # fmt: skip
    def list(self, request):
        """Published events overlapping the days asked for, soonest first."""
        query = EventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        first = data.get("from") or timezone.localdate()
        last = data.get("to") or first + DEFAULT_SPAN
        if last < first:
            raise serializers.ValidationError({"to": ["The end must be after the start."]})
        events = public_events(
            local_midnight(first), local_midnight(last + dt.timedelta(days=1)),
            site=data.get("site"), category=data.get("category"),
            age_group=data.get("age_group"),
        )  # fmt: skip
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(EventSerializer(self._event(pk)).data)

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer,
                                                             400: BAD_REQUEST})  # fmt: skip
    def create(self, request):
        """Publish an event of one of your organisations."""
        incoming = EventCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = services.event_create(by=request.user, **incoming.validated_data)
        return Response(EventSerializer(self._event(event.pk)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(request=EventWriteSerializer, responses={200: EventSerializer,
                                                            400: BAD_REQUEST})  # fmt: skip
    def partial_update(self, request, pk=None):
        """Change an event of your organisation: only what is sent."""
        event = self._editable(pk)
        incoming = EventWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        services.event_update(event=event, by=request.user, **incoming.validated_data)
        return Response(EventSerializer(self._event(pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        """Withdraw an event of your organisation."""
        services.event_delete(event=self._editable(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=HideSerializer, responses={200: EventSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide an event from everything public (booking officers); the organiser is sent
        the reason."""
        if not roles.is_officer(request.user):
            raise PermissionDenied
        event = self._event(pk)
        incoming = HideSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.event_hide(event=event, by=request.user, reason=incoming.validated_data["reason"])
        return Response(EventSerializer(self._event(pk)).data)
