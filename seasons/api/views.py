"""API: seasons — officers create, open, close and publish them; members read those that
are not drafts (a draft is a 404 to them, as is everything under it)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.views import BAD_REQUEST
from seasons import services
from seasons.api.serializers import PublishedSerializer, SeasonCreateSerializer, SeasonSerializer
from seasons.models import Season
from seasons.publish import season_publish

OFFICERS_ONLY = OpenApiResponse(description="Only booking officers do this.")


def visible_seasons(user):
    """Every season for officers; for anyone else those that are not drafts."""
    seasons = Season.objects.prefetch_related("sites", "rooms")
    if roles.is_officer(user):
        return seasons
    return seasons.exclude(status=Season.Status.DRAFT)


def season_for(request, pk) -> Season:
    return get_object_or_404(visible_seasons(request.user), pk=pk)


def require_officer(request) -> None:
    """Refuse before reading the body, so that a member learns nothing from a 400."""
    if not roles.is_officer(request.user):
        raise PermissionDenied()


class SeasonListView(generics.ListAPIView):
    """Seasons, newest first: all of them for booking officers, drafts left out for others."""

    serializer_class = SeasonSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return visible_seasons(self.request.user)

    @extend_schema(
        request=SeasonCreateSerializer,
        responses={201: SeasonSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY},
    )
    def post(self, request):
        """Booking officers: make a season (in draft) of rooms or whole sites."""
        require_officer(request)
        incoming = SeasonCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        season = services.season_create(by=request.user, **incoming.validated_data)
        return Response(
            SeasonSerializer(season_for(request, season.pk)).data, status=status.HTTP_201_CREATED
        )


class SeasonDetailView(generics.RetrieveAPIView):
    serializer_class = SeasonSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return visible_seasons(self.request.user)


class _StatusView(APIView):
    permission_classes = [IsAuthenticated]
    status = ""

    def post(self, request, pk):
        require_officer(request)
        season = season_for(request, pk)
        season = services.season_set_status(season=season, by=request.user, status=self.status)
        return Response(SeasonSerializer(season_for(request, season.pk)).data)


@extend_schema(
    request=None, responses={200: SeasonSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY}
)
class SeasonOpenView(_StatusView):
    """Booking officers: open a draft (or a closed season again) for applications; they
    are taken between applications_open and applications_close. A season that cannot go
    there is a 400 naming ``status``."""

    status = Season.Status.OPEN

    def post(self, request, pk):
        """Open the season for applications."""
        return super().post(request, pk)


@extend_schema(
    request=None, responses={200: SeasonSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY}
)
class SeasonCloseView(_StatusView):
    """Booking officers: close an open season; applicants can no longer change anything."""

    status = Season.Status.CLOSED

    def post(self, request, pk):
        """Close the season for applications."""
        return super().post(request, pk)


class SeasonPublishView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: PublishedSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY},
    )
    def post(self, request, pk):
        """Booking officers: book every granted or moved wish of a closed season as a weekly
        series, and queue one decision letter per organisation. A wish that cannot be
        booked (taken in the meantime) is listed in ``failed`` and the rest are booked;
        publishing again books only what is not booked yet. Every wish needs a decision
        first (run the proposal): otherwise a 400 naming ``allocation``."""
        require_officer(request)
        season = season_for(request, pk)
        result = season_publish(season=season, by=request.user)
        body = {
            "booked": result.booked,
            "failed": {str(wish): why for wish, why in result.failed.items()},
            "letters": result.letters,
        }
        return Response(PublishedSerializer(body).data)
