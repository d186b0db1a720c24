"""API: pay for a booking at booking (``POST /payments/``), and how a payment stands.

The payer is sent to ``redirect_url`` (the provider's page) and comes back to Lokale's
return page, which asks the provider; the booking is confirmed once the payment is
captured. A payment is visible to the booker, the booking's organisation and officers;
another's reference is a 404.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import Payment
from billing.payments import PaymentUnavailable, may_pay, payment_start
from booking import roles
from booking.api.views import BAD_REQUEST
from booking.models import Booking


class PaymentSerializer(serializers.ModelSerializer):
    booking = serializers.IntegerField(source="booking_id", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "reference",
            "booking",
            "state",
            "amount_ore",
            "captured_ore",
            "refunded_ore",
            "refund_due_ore",
            "redirect_url",
            "created_at",
        ]
        read_only_fields = fields


class PaymentStartSerializer(serializers.Serializer):
    booking = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class UnavailableSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PaymentListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PaymentStartSerializer,
        responses={
            201: OpenApiResponse(
                PaymentSerializer, description="Started: send the payer to redirect_url."
            ),
            200: OpenApiResponse(
                PaymentSerializer, description="Started before: the same payment."
            ),
            400: BAD_REQUEST,
            503: OpenApiResponse(
                UnavailableSerializer,
                description="The payment provider does not answer; the booking keeps its time.",
            ),
        },
    )
    def post(self, request):
        incoming = PaymentStartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = Booking.objects.filter(pk=incoming.validated_data["booking"]).first()
        if booking is None or not may_pay(request.user, booking):
            raise serializers.ValidationError({"booking": [_("No booking of yours has this id.")]})
        existed = Payment.objects.filter(booking=booking).exclude(state=Payment.State.NEW).exists()
        try:
            payment = payment_start(booking=booking, by=request.user)
        except PaymentUnavailable as error:
            return Response({"detail": str(error)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(PaymentSerializer(payment).data, status=code)


class PaymentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PaymentSerializer})
    def get(self, request, reference: str):
        payment = get_object_or_404(Payment.objects.select_related("booking"), reference=reference)
        if not (roles.is_officer(request.user) or may_pay(request.user, payment.booking)):
            raise NotFound()
        return Response(PaymentSerializer(payment).data)
