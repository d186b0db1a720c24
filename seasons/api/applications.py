"""API: a season's applications — members send and change their organisation's, officers
read them all and check the number of members under 20.

Another organisation's application is a 404; sending one for an organisation you are not
a member of is a 400 naming ``organisation``. The services' errors about one wish
(``wishes[1].start_time``) come back in the shape DRF gives a nested list's errors:
``{"wishes": {"1": {"start_time": ["…"]}}}``, as the serializer's own would."""

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.views import BAD_REQUEST
from seasons import services
from seasons.api.serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    MembersCheckSerializer,
)
from seasons.api.views import OFFICERS_ONLY, require_officer, season_for
from seasons.models import Application, Wish

WISH_KEY = re.compile(r"^wishes\[(\d+)\]\.(\w+)$")
WISH_FIELDS = (
    "room",
    "site",
    "weekday",
    "start_time",
    "end_time",
    "attendees",
    "activity",
    "children_and_youth",
    "rank",
)


def visible_applications(request, season):
    applications = (
        Application.objects.filter(season=season)
        .select_related("organisation", "submitted_by")
        .prefetch_related(Prefetch("wishes", queryset=Wish.objects.select_related("site", "room")))
        .order_by("submitted_at", "pk")
    )
    if roles.is_officer(request.user):
        return applications
    return applications.filter(organisation__in=roles.organisation_ids(request.user))


@contextmanager
def wish_errors(count: int):
    """A service's ``wishes[i].field`` error as DRF's nested shape."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        detail: dict = {}
        for key, messages in error.message_dict.items():
            match = WISH_KEY.match(key)
            if match and int(match[1]) < count:
                rows = detail.setdefault("wishes", {})
                rows.setdefault(int(match[1]), {})[match[2]] = messages
            else:
                detail[key] = messages
        raise ValidationError(detail) from error


def _save(request, season, organisation, data: dict) -> Application:
    with wish_errors(len(data["wishes"])):
        application = services.application_save(
            season=season, organisation=organisation, by=request.user, **data
        )
    return visible_applications(request, season).get(pk=application.pk)


class ApplicationListView(generics.ListAPIView):
    """Applications for the season: all of them for booking officers, your organisations'
    for members."""

    serializer_class = ApplicationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return visible_applications(self.request, season_for(self.request, self.kwargs["pk"]))

    @extend_schema(
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer, 400: BAD_REQUEST},
    )
    def post(self, request, pk):
        """Apply for your organisation while the season takes applications: contact and
        ranked wishes (at most 20). Your organisation's application exists already → 400
        naming ``organisation``; change it with PATCH …/applications/{application}/."""
        season = season_for(request, pk)
        incoming = ApplicationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        organisation = data.pop("organisation")
        if organisation.pk not in roles.organisation_ids(request.user):
            raise ValidationError(
                {"organisation": [_("You are not a member of this organisation.")]}
            )
        if Application.objects.filter(season=season, organisation=organisation).exists():
            raise ValidationError({"organisation": [_("The organisation has already applied.")]})
        application = _save(request, season, organisation, data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(APIView):
    permission_classes = [IsAuthenticated]

    def _application(self, request, pk, application) -> Application:
        season = season_for(request, pk)
        return get_object_or_404(visible_applications(request, season), pk=application)

    @extend_schema(responses={200: ApplicationSerializer})
    def get(self, request, pk, application):
        """One application: your organisation's, or any for booking officers."""
        return Response(ApplicationSerializer(self._application(request, pk, application)).data)

    @extend_schema(
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationSerializer, 400: BAD_REQUEST},
    )
    def patch(self, request, pk, application):
        """Change your organisation's application while the season takes applications;
        fields left out stay, ``wishes`` replace all the wishes."""
        current = self._application(request, pk, application)
        incoming = ApplicationUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {
            "contact_name": current.contact_name,
            "contact_email": current.contact_email,
            "contact_phone": current.contact_phone,
            "members_under_20": current.members_under_20,
            "note": current.note,
            "wishes": [{f: getattr(w, f) for f in WISH_FIELDS} for w in current.wishes.all()],
        } | dict(incoming.validated_data)
        saved = _save(request, current.season, current.organisation, data)
        return Response(ApplicationSerializer(saved).data)


class MembersCheckView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MembersCheckSerializer,
        responses={200: ApplicationSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY},
    )
    def post(self, request, pk, application):
        """Booking officers: confirm the number of members under 20 (``checked: false``
        withdraws it); only a checked number counts as a priority."""
        require_officer(request)
        season = season_for(request, pk)
        current = get_object_or_404(visible_applications(request, season), pk=application)
        incoming = MembersCheckSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.application_check_members(
            application=current, by=request.user, checked=incoming.validated_data["checked"]
        )
        saved = visible_applications(request, season).get(pk=current.pk)
        return Response(ApplicationSerializer(saved).data)
