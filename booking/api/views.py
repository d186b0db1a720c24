from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from booking import roles, services
from booking.api.filters import BookingFilterSet, RoomFilterSet
from booking.api.serializers import (
    AvailabilityQuerySerializer,
    BookingCreatedSerializer,
    BookingCreateSerializer,
    BookingSerializer,
    BookingUpdateSerializer,
    CancelledCountSerializer,
    CancelSerializer,
    ConflictSerializer,
    DayAvailabilitySerializer,
    DecisionSerializer,
    RoomSerializer,
    SeriesCreatedSerializer,
    SeriesPlanSerializer,
    SiteSerializer,
)
from booking.facts import room_facts
from booking.models import Room, Site
from booking.selectors import (
    booking_visible_to,
    public_overlaps,
    room_availability,
)
from booking.series import series_create, series_plan
from booking.series_changes import series_cancel_from, series_decide
from booking.timeutil import to_local

BAD_REQUEST = OpenApiResponse(description="Invalid input; the body names each field.")
CONFLICT = OpenApiResponse(ConflictSerializer, description="The time is taken.")


class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    permission_classes = [AllowAny]


class RoomViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = (
        Room.objects.filter(is_active=True)
        .select_related("site")
        .prefetch_related("facilities", "photos")
    )
    serializer_class = RoomSerializer
    permission_classes = [AllowAny]
    filterset_class = RoomFilterSet

    def get_queryset(self):
        if self.action == "availability":
            return Room.objects.filter(is_active=True)
        return super().get_queryset()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Inclusive."),
        ],
        responses={200: DayAvailabilitySerializer(many=True), 400: BAD_REQUEST},
        filters=False,
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def availability(self, request, pk=None):
        """Opening windows per day with free and busy time; busy time of others is anonymous."""
        facts = room_facts(int(pk)) if str(pk).isdigit() and len(str(pk)) < 19 else None
        if facts is None or not facts.room.is_active:
            raise Http404
        room = facts.room_for_request()
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = room_availability(
            room=room,
            date_from=query.validated_data["from"],
            date_to=query.validated_data["to"],
            user=request.user,
        )
        return Response(DayAvailabilitySerializer(days, many=True).data)


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bookings of your organisations (all of them for booking officers)."""

    serializer_class = BookingSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = BookingFilterSet

    def get_queryset(self):
        return booking_visible_to(self.request.user)

    def _managed(self):
        booking = self.get_object()
        if not roles.can_manage_booking(self.request.user, booking):
            raise PermissionDenied()
        return booking

    @extend_schema(
        request=BookingCreateSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="BookingOrSeries",
                serializers=[BookingCreatedSerializer, SeriesCreatedSerializer],
                resource_type_field_name=None,
            ),
            200: OpenApiResponse(SeriesPlanSerializer, description="A series preview."),
            400: BAD_REQUEST,
            409: CONFLICT,
        },
    )
    def create(self, request):
        """Book once, or weekly for a season with ``recurrence`` (``preview`` first)."""
        incoming = BookingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        recurrence = data.pop("recurrence", None)
        preview = data.pop("preview")
        on_conflict = data.pop("on_conflict")
        include_holidays = data.pop("include_holidays")
        if recurrence is None:
            booking = services.booking_create(by=request.user, **data)
            booking.public_overlaps = public_overlaps(booking)
            return Response(BookingCreatedSerializer(booking).data, status=status.HTTP_201_CREATED)
        start, end = to_local(data["start"]), to_local(data["end"])
        season = {
            "room": data["room"],
            "organisation": data.get("organisation"),
            "weekdays": recurrence["weekdays"],
            "start_time": start.time(),
            "end_time": end.time(),
            "first": start.date(),
            "until": recurrence["until"],
            "attendees": data["attendees"],
            "children_and_youth": data["children_and_youth"],
            "include_holidays": include_holidays,
        }
        if preview:
            services.check_organisation(request.user, season["organisation"])
            return Response(SeriesPlanSerializer(series_plan(**season)).data)
        series, bookings, plan = series_create(
            by=request.user,
            accept_guidelines=data["accept_guidelines"],
            title=data["title"],
            public=data["public"],
            notes=data["notes"],
            on_conflict=on_conflict,
            payer_name=data.get("payer_name", ""),
            payer_address=data.get("payer_address", ""),
            **season,
        )
        body = {
            "series": series.pk,
            "booked": bookings,
            "skipped": plan.not_free,
            "total_price": plan.total_price,
            "total_full_price": plan.total_full_price,
        }
        return Response(SeriesCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses={200: CancelledCountSerializer})
    @action(detail=True, methods=["post"], url_path="cancel-following")
    def cancel_following(self, request, pk=None):
        """Cancel this occurrence of a weekly series and every later one."""
        booking = self._managed()
        incoming = CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        count = series_cancel_from(
            booking=booking, by=request.user, reason=incoming.validated_data["reason"]
        )
        return Response({"cancelled": count})

    @extend_schema(
        request=BookingUpdateSerializer,
        responses={200: BookingSerializer, 400: BAD_REQUEST, 409: CONFLICT},
    )
    def partial_update(self, request, pk=None):
        booking = self._managed()
        incoming = BookingUpdateSerializer(instance=booking, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        booking = services.booking_update(
            booking=booking, by=request.user, **incoming.validated_data
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=CancelSerializer, responses={200: BookingSerializer, 400: BAD_REQUEST})
    def destroy(self, request, pk=None):
        """Cancel the booking. The row stays with status `cancelled`; the time is free again."""
        booking = self._managed()
        incoming = CancelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            booking=booking, by=request.user, reason=incoming.validated_data["reason"]
        )
        return Response(BookingSerializer(booking).data)

    def _decide(self, request, decide):
        booking = self.get_object()
        if not roles.is_officer(request.user):
            raise PermissionDenied()
        incoming = DecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        note = incoming.validated_data["note"]
        if incoming.validated_data["scope"] == "series":
            if booking.series_id is None:
                raise ValidationError({"scope": [_("This booking is not part of a series.")]})
            series_decide(
                series=booking.series,
                by=request.user,
                approve=decide is services.booking_approve,
                note=note,
            )
            booking.refresh_from_db()
        else:
            booking = decide(booking=booking, by=request.user, note=note)
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=DecisionSerializer, responses={200: BookingSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Booking officers: confirm a booking that awaits approval."""
        return self._decide(request, services.booking_approve)

    @extend_schema(request=DecisionSerializer, responses={200: BookingSerializer, 400: BAD_REQUEST})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Booking officers: reject a booking that awaits approval, with a note."""
        return self._decide(request, services.booking_reject)
