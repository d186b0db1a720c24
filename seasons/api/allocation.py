"""API: the allocation — officers run the proposal, read every wish with what it got and
why, and decide a wish by hand; members read their own organisations' decisions once
the season is published (before that, 403)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from booking.api.views import BAD_REQUEST
from seasons import services
from seasons.api.serializers import AllocationSerializer, AllocationWriteSerializer
from seasons.api.views import OFFICERS_ONLY, require_officer, season_for
from seasons.explain import explain
from seasons.models import Allocation, Season, Wish

NOT_PUBLISHED = OpenApiResponse(
    description="Members: the decisions are read once the season is published."
)


def season_wishes(season):
    """Every wish of the season with its allocation, in one query."""
    return (
        Wish.objects.filter(application__season=season)
        .select_related(
            "application__organisation",
            "site",
            "room",
            "allocation__room__site",
            "allocation__decided_by",
        )
        .order_by("application__organisation__name", "application_id", "rank", "pk")
    )


def _place(site, room, weekday, start_time, end_time) -> dict:
    return {
        "site": site.pk,
        "site_name": site.name,
        "room": room.pk if room else None,
        "room_name": room.name if room else None,
        "weekday": weekday,
        "start_time": start_time,
        "end_time": end_time,
    }


def allocation_row(wish: Wish) -> dict:
    """A wish, what it asked and what it got, with the reason in the active language."""
    application = wish.application
    try:
        allocation = wish.allocation
    except Allocation.DoesNotExist:
        allocation = None
    row = {
        "wish": wish.pk,
        "application": application.pk,
        "organisation": application.organisation_id,
        "organisation_name": application.organisation.name,
        "activity": wish.activity,
        "rank": wish.rank,
        "attendees": wish.attendees,
        "children_and_youth": wish.children_and_youth,
        "asked": _place(wish.site, wish.room, wish.weekday, wish.start_time, wish.end_time),
        "outcome": None,
        "placed": None,
        "reason": "",
        "explanation": {},
        "note": "",
        "decided_by": None,
        "decided_at": None,
        "series": None,
        "publish_error": "",
    }
    if allocation is None:
        return row
    a = allocation
    return row | {
        "outcome": a.outcome,
        "placed": _place(a.room.site, a.room, a.weekday, a.start_time, a.end_time)
        if a.placed
        else None,
        "reason": explain(a.explanation, a.note),
        "explanation": a.explanation,
        "note": a.note,
        "decided_by": a.decided_by.username if a.decided_by else None,
        "decided_at": a.decided_at,
        "series": a.series_id,
        "publish_error": a.publish_error,
    }


def rows(wishes, *, officer: bool = True) -> list:
    found = [allocation_row(w) for w in wishes]
    if not officer:  # staff are not named to the public: "officer" says who decided
        for row in found:
            row["decided_by"] = row["decided_by"] and "officer"
    return AllocationSerializer(found, many=True).data


class AllocationListView(generics.ListAPIView):
    """Every wish of the season with its outcome, place and reason (officers); your
    organisations' wishes once the season is published (members)."""

    serializer_class = AllocationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        season = season_for(self.request, self.kwargs["pk"])
        wishes = season_wishes(season)
        if roles.is_officer(self.request.user):
            return wishes
        if season.status != Season.Status.PUBLISHED:
            raise PermissionDenied()
        return wishes.filter(
            application__organisation__in=roles.organisation_ids(self.request.user)
        )

    @extend_schema(responses={200: AllocationSerializer(many=True), 403: NOT_PUBLISHED})
    def get(self, request, pk):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(rows(page, officer=roles.is_officer(request.user)))


class ProposalView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: AllocationSerializer(many=True),
            400: BAD_REQUEST,
            403: OFFICERS_ONLY,
        },
    )
    def post(self, request, pk):
        """Booking officers: allocate every wish that no officer has decided, by the
        season's priorities (the previous proposal is replaced; decisions by hand hold).
        Answers with every wish of the season, as GET …/allocation/ but not paged."""
        require_officer(request)
        season = season_for(request, pk)
        services.proposal_run(season=season, by=request.user)
        return Response(rows(season_wishes(season)))


class AllocationDecisionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AllocationWriteSerializer,
        responses={200: AllocationSerializer, 400: BAD_REQUEST, 403: OFFICERS_ONLY},
    )
    def patch(self, request, pk, wish):
        """Booking officers: grant, move or deny the wish by hand, with a ``note`` that the
        organisation is told. Room, weekday and times default to what the wish asked; a
        time that is not free is a 400 naming ``start_time`` and saying why."""
        require_officer(request)
        season = season_for(request, pk)
        target = get_object_or_404(season_wishes(season), pk=wish)
        incoming = AllocationWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.allocation_set(wish=target, by=request.user, **incoming.validated_data)
        return Response(
            AllocationSerializer(allocation_row(season_wishes(season).get(pk=wish))).data
        )
