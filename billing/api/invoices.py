"""API: invoice batches (booking officers only). Make a draft for a period, read it with
its lines, discard a draft, export it (then it never changes) and download its files.
Money is whole øre (``*_ore``) plus the same in kroner as a string ("1500.00")."""

from django.db.models import Count, Prefetch, Sum
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from billing import exports, invoicing
from billing.exports import kroner
from billing.models import InvoiceBatch, InvoiceLine
from booking import roles
from booking.api.fields import BoundedDateField, LocalDateTimeField
from booking.api.views import BAD_REQUEST

OFFICERS_ONLY = OpenApiResponse(description="Only booking officers handle invoicing.")
NO_FILE = OpenApiResponse(description="No such batch, a draft (no file yet) or no such format.")


@extend_schema_field({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "1500.00"})
class KronerField(serializers.Field):
    """The øre of ``source`` as kroner with two decimals: 150000 → "1500.00"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return kroner(int(value or 0), ".")


class InvoiceLineSerializer(serializers.ModelSerializer):
    start = LocalDateTimeField()
    end = LocalDateTimeField()
    unit_price = KronerField(source="unit_price_ore")
    amount = KronerField(source="amount_ore")
    vat = KronerField(source="vat_ore")
    credits = serializers.IntegerField(source="credits_id", allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "id", "booking", "kind", "credits", "customer_key", "customer_org_number",
            "customer_name", "customer_address", "customer_reference", "site_name",
            "room_name", "start", "end", "hours", "unit_price_ore", "unit_price",
            "amount_ore", "amount", "vat_code", "vat_ore", "vat", "rule_name",
            "description", "client", "responsibility", "service", "account", "project",
        ]  # fmt: skip
        read_only_fields = fields


class InvoiceBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username")
    exported_by = serializers.CharField(source="exported_by.username", allow_null=True)
    created_at = LocalDateTimeField()
    exported_at = LocalDateTimeField(allow_null=True)
    line_count = serializers.IntegerField()
    total_ore = serializers.IntegerField(help_text="Debits less credits, in øre.")
    total = KronerField(source="total_ore")
    files = serializers.SerializerMethodField()
    # Not an enum in the schema: its name would collide with Booking's "status" enum.
    status = serializers.CharField(help_text="draft, or exported (final: never changes).")

    class Meta:
        model = InvoiceBatch
        fields = [
            "id", "period_from", "period_to", "status", "created_by", "created_at",
            "exported_by", "exported_at", "line_count", "total_ore", "total", "files",
        ]  # fmt: skip
        read_only_fields = fields

    def get_files(self, batch) -> dict[str, str]:
        """Download addresses by format once exported, the accounting system's first."""
        if batch.status != InvoiceBatch.Status.EXPORTED:
            return {}
        return {fmt: f"/api/v1/invoice-batches/{batch.pk}/file/{fmt}/" for fmt in exports.formats()}


class InvoiceBatchDetailSerializer(InvoiceBatchSerializer):
    lines = InvoiceLineSerializer(many=True)

    class Meta(InvoiceBatchSerializer.Meta):
        fields = [*InvoiceBatchSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class BatchMakeSerializer(serializers.Serializer):
    period_from = BoundedDateField()
    period_to = BoundedDateField(help_text="Inclusive; at most a year after period_from.")


def batches():
    """Every batch with its line count and sum, one query."""
    return (
        InvoiceBatch.objects.select_related("created_by", "exported_by")
        .annotate(line_count=Count("lines"), total_ore=Sum("lines__amount_ore", default=0))
        .order_by("-created_at", "-id")
    )


def batch_with_lines(pk) -> InvoiceBatch:
    lines = InvoiceLine.objects.order_by("customer_key", "start", "id")
    return get_object_or_404(batches().prefetch_related(Prefetch("lines", lines)), pk=pk)


def require_officer(request) -> None:
    """Refuse before reading the body, so that others learn nothing from a 400."""
    if not roles.is_officer(request.user):
        raise PermissionDenied()


class InvoiceBatchListView(generics.ListAPIView):
    """Invoice batches, newest first, without their lines."""

    serializer_class = InvoiceBatchSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        require_officer(self.request)
        return batches()

    @extend_schema(
        request=BatchMakeSerializer,
        responses={
            201: InvoiceBatchDetailSerializer,
            400: BAD_REQUEST,
            403: OFFICERS_ONLY,
            409: OpenApiResponse(description="Another batch was made at the same moment."),
        },
    )
    def post(self, request):
        """Make a draft batch up to the end of ``period_to``: a debit for every booking owed
        by invoice and not yet invoiced, a credit for every invoiced booking cancelled or
        changed since. A bad period is a 400 naming the field."""
        require_officer(request)
        incoming = BatchMakeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        batch = invoicing.batch_make(by=request.user, **incoming.validated_data)
        return Response(
            InvoiceBatchDetailSerializer(batch_with_lines(batch.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class InvoiceBatchDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: InvoiceBatchDetailSerializer, 403: OFFICERS_ONLY})
    def get(self, request, pk):
        """A batch with its lines, by customer and start."""
        require_officer(request)
        return Response(InvoiceBatchDetailSerializer(batch_with_lines(pk)).data)

    @extend_schema(
        responses={
            204: None,
            400: OpenApiResponse(description="Exported: the accounting record never changes."),
            403: OFFICERS_ONLY,
        }
    )
    def delete(self, request, pk):
        """Discard a draft: its bookings are invoiced by the next batch. An exported batch
        is a 400 naming ``status``."""
        require_officer(request)
        batch = get_object_or_404(InvoiceBatch, pk=pk)
        invoicing.batch_discard(batch=batch, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvoiceBatchExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: InvoiceBatchDetailSerializer, 403: OFFICERS_ONLY})
    def post(self, request, pk):
        """Mark the batch as given to the accounting system; from now on it never changes
        and its files can be downloaded. Exporting again changes nothing."""
        require_officer(request)
        batch = get_object_or_404(InvoiceBatch, pk=pk)
        invoicing.batch_export(batch=batch, by=request.user)
        return Response(InvoiceBatchDetailSerializer(batch_with_lines(pk)).data)


class InvoiceBatchFileView(APIView):
    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # The file is its own content type: "Accept: text/csv" must not be a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=exports.FORMATS)],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="UTF-8 with BOM, semicolons."
            ),
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.BINARY, description="UBW batch input, ISO-8859-1."
            ),
            403: OFFICERS_ONLY,
            404: NO_FILE,
        },
    )
    def get(self, request, pk, fmt):
        """An exported batch's file: ``csv`` for spreadsheets or ``ubw``, the batch input
        of sales orders that UBW (Agresso) loads. A draft has no file."""
        require_officer(request)
        batch = get_object_or_404(InvoiceBatch, pk=pk)
        return exports.download(batch, fmt)
