"""The lending API: catalogue, reservations, borrowers, checkout, returns, statistics."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking import roles
from lending import counter, privacy, services
from lending.api import serializers as s
from lending.availability import catalogue_types, with_free_days
from lending.models import Borrower, Loan, LoanLine, Reservation
from lending.stats import lending_stats

BAD = OpenApiResponse(description="Invalid input; the body names each field.")
STAFF_ONLY = OpenApiResponse(description="Lending-centre staff only.")
TAKEN = OpenApiResponse(description="Not enough free units; the body names the days or codes.")


class StaffOnly(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and services.is_staff(request.user)


class ItemTypeListView(APIView):
    """The catalogue, with the units free on every day of the period (default 14 days)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.CatalogueQuerySerializer],
        responses={200: s.ItemTypeSerializer(many=True), 400: BAD},
    )
    def get(self, request):
        today = services.local_today()
        query = s.CatalogueQuerySerializer(data=request.query_params, context={"today": today})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        types = with_free_days(catalogue_types(data.get("centre"), data.get("category")),
                               start=data["from"], end=data["to"], today=today)  # fmt: skip
        return Response(s.ItemTypeSerializer(types, many=True).data)


class ReservationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.ReservationSerializer(many=True)})
    def get(self, request):
        """Your reservations (staff: every active one)."""
        qs = Reservation.objects.select_related("item_type").order_by("start", "id")
        if services.is_staff(request.user):
            qs = qs.filter(status=Reservation.Status.ACTIVE)
        else:
            qs = qs.filter(borrower__user=request.user)
        return Response(s.ReservationSerializer(qs[:500], many=True).data)

    @extend_schema(
        request=s.ReservationWriteSerializer,
        responses={201: s.ReservationSerializer, 400: BAD, 409: TAKEN},
    )
    def post(self, request):
        """Reserve units for a period; or, with ``booking``, for a room booking's day."""
        incoming = s.ReservationWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        booking = data.pop("booking", None)
        borrower = data.pop("borrower", None)
        if borrower is not None and not services.is_staff(request.user):
            raise ValidationError({"borrower": [_("Only staff reserve for someone else.")]})
        if booking is not None:
            if not roles.can_manage_booking(request.user, booking) or not booking.is_active:
                raise ValidationError({"booking": [_("No such booking of yours.")]})
            for key, day in services.booking_days(booking).items():
                data.setdefault(key, day)
            if borrower is None and booking.organisation is not None:
                borrower = services.borrower_for_organisation(booking.organisation)
        if borrower is None:
            borrower = services.borrower_for_user(request.user)
        reservation = services.reservation_create(
            by=request.user, borrower=borrower, booking=booking, **data
        )
        return Response(s.ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)


class BorrowerView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[s.BorrowerSearchSerializer],
        responses={200: s.BorrowerSerializer(many=True), 400: BAD, 403: STAFF_ONLY},
    )
    def get(self, request):
        """Find a borrower at the counter by phone digits or part of the name."""
        incoming = s.BorrowerSearchSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        found = services.borrower_search(incoming.validated_data["q"])
        return Response(s.BorrowerSerializer(found, many=True).data)

    @extend_schema(
        request=s.BorrowerWriteSerializer,
        responses={201: s.BorrowerSerializer, 400: BAD, 403: STAFF_ONLY},
    )
    def post(self, request):
        """Register a borrower (a minor needs a guardian's name; consent is required)."""
        incoming = s.BorrowerWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        borrower = services.borrower_register(by=request.user, **incoming.validated_data)
        return Response(s.BorrowerSerializer(borrower).data, status=status.HTTP_201_CREATED)


class BorrowerExportView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 403: STAFF_ONLY, 404: None})
    def get(self, request, pk: int):
        """Everything kept about one borrower, as JSON (a request under GDPR article 15)."""
        borrower = Borrower.objects.filter(pk=pk).first()
        if borrower is None:
            raise NotFound()
        return Response(privacy.borrower_export(borrower))


def _loan(loan: Loan) -> dict:
    loan = (
        Loan.objects.select_related("borrower")
        .prefetch_related("lines__item__item_type")
        .get(pk=loan.pk)
    )
    return s.LoanSerializer(loan).data


class LoanView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[OpenApiParameter("overdue", bool, description="Only loans past due")],
        responses={200: s.LoanSerializer(many=True), 403: STAFF_ONLY},
    )
    def get(self, request):
        """Loans with units still out, earliest due first."""
        today = services.local_today()
        loans = (
            Loan.objects.filter(lines__returned_at__isnull=True)
            .distinct()
            .select_related("borrower")
            .prefetch_related("lines__item__item_type")
            .order_by("due", "id")
        )
        if request.query_params.get("overdue") in ("true", "1"):
            loans = loans.filter(due__lt=today)
        return Response(s.LoanSerializer(loans[:500], many=True).data)

    @extend_schema(
        request=s.LoanWriteSerializer,
        responses={201: s.LoanSerializer, 400: BAD, 403: STAFF_ONLY, 409: TAKEN},
    )
    def post(self, request):
        """Check out the scanned units to a borrower."""
        incoming = s.LoanWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        loan = counter.loan_create(by=request.user, **incoming.validated_data)
        return Response(_loan(loan), status=status.HTTP_201_CREATED)


class LoanCheckView(APIView):
    """What the counter shows after each scan: added, or why not. Saves nothing."""

    permission_classes = [StaffOnly]

    @extend_schema(request=s.LoanWriteSerializer, responses={200: s.LoanCheckSerializer, 400: BAD})
    def post(self, request):
        incoming = s.LoanWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        scans, due = counter.plan_loan(
            borrower=data["borrower"], barcodes=data["barcodes"], due=data.get("due"),
            today=services.local_today(),
        )  # fmt: skip
        return Response(s.LoanCheckSerializer({"due": due, "scans": scans}).data)


class ReturnView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        request=s.ReturnWriteSerializer,
        responses={
            201: s.ReturnSerializer,
            400: BAD,
            409: OpenApiResponse(description="The unit is not out on loan."),
        },
    )
    def post(self, request):
        """Take a unit back: fine, damaged (goes to repair) or missing (retired)."""
        incoming = s.ReturnWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        line = counter.loan_return(by=request.user, **incoming.validated_data)
        line = LoanLine.objects.select_related("item", "loan__borrower").get(pk=line.pk)
        return Response(s.ReturnSerializer(line).data, status=status.HTTP_201_CREATED)


class StatsView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(parameters=[s.StatsQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        """Loans per item type per month, distinct borrowers per month, the most lent."""
        query = s.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        centre = query.validated_data.get("centre")
        return Response(lending_stats(year, centre.pk if centre else None))
