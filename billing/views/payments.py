"""Pages of payment at booking: pay, come back from the provider, the officers' list of
payments (with refunds), and the provider's webhook."""

import json
import logging
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import vipps
from billing.backends import PaymentError, ProviderUnavailable
from billing.models import Payment
from billing.payments import PaymentUnavailable, may_pay, payment_event, payment_poll, payment_start
from billing.refunds import payment_refund
from booking import roles
from booking.models import Booking

log = logging.getLogger(__name__)

PAGE_SIZE = 50


def kroner(ore: int | None) -> Decimal | None:
    """Øre as kroner with two decimals, for showing (exact: Decimal)."""
    return None if ore is None else Decimal(ore).scaleb(-2)


def _payable(request, pk: int) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("room__site", "organisation"), pk=pk)
    if not may_pay(request.user, booking):
        raise Http404
    return booking


@login_required
def pay(request, pk: int):
    """What the booking costs and a button to pay; POST starts the payment and sends the
    payer to the provider's page."""
    booking = _payable(request, pk)
    payment = Payment.objects.filter(booking=booking).first()
    error = None
    if request.method == "POST":
        try:
            payment = payment_start(booking=booking, by=request.user)
        except PaymentUnavailable as unavailable:
            error = str(unavailable)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            if payment.state == Payment.State.CREATED and booking.awaits_payment:
                # A page that goes on to the provider, not a redirect: the
                # Content-Security-Policy (form-action 'self') stops a form's redirect to
                # another site (as config/idporten.py does for logins).
                page = render(request, "billing/pay_continue.html", {"url": payment.redirect_url})
                add_never_cache_headers(page)
                return page
            return redirect("billing:payment_return", reference=payment.reference)
    context = {
        "booking": booking,
        "payment": payment,
        "price": booking.price,
        "error": error,
        "timeout": settings.PAYMENT_TIMEOUT_MINUTES,
    }
    status = 503 if error and request.method == "POST" else 200
    return render(request, "billing/pay.html", context, status=status)


@login_required
def payment_return(request, reference: str):
    """Where the provider sends the payer back: ask it how the payment stands (a webhook
    may be late) and say whether the booking is paid."""
    payment = get_object_or_404(
        Payment.objects.select_related("booking__room__site"), reference=reference
    )
    if not (may_pay(request.user, payment.booking) or roles.is_officer(request.user)):
        raise Http404
    unreachable = False
    try:
        if settings.PAYMENT_BACKEND:
            payment = payment_poll(payment=payment)
    except PaymentError as error:
        log.warning("payment %s could not be polled: %s", reference, error)
        unreachable = True
    booking = Booking.objects.select_related("room__site").get(pk=payment.booking_id)
    if booking.status == Booking.Status.CONFIRMED and payment.captured_ore:
        outcome = "paid"
    elif booking.status == Booking.Status.CANCELLED and not payment.captured_ore:
        outcome = "unpaid"
    elif payment.captured_ore:
        outcome = "paid"
    else:
        outcome = "waiting"
    return render(
        request,
        "billing/payment_return.html",
        {
            "payment": payment,
            "booking": booking,
            "outcome": outcome,
            "unreachable": unreachable,
            "amount": kroner(payment.amount_ore),
        },
    )


def _officer(request):
    if not roles.is_officer(request.user):
        raise PermissionDenied


@login_required
def payments(request):
    """Officers: every payment, newest first, with what was paid and given back."""
    _officer(request)
    rows = Payment.objects.select_related("booking__room__site", "booking__organisation")
    state = request.GET.get("state", "")
    if state in Payment.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for payment in page.object_list:
        payment.amount_kr = kroner(payment.amount_ore)
        payment.captured_kr = kroner(payment.captured_ore)
        payment.refunded_kr = kroner(payment.refunded_ore)
        payment.refund_due_kr = kroner(payment.refund_due_ore)
        payment.refundable = payment.captured_ore > payment.refunded_ore
    return render(
        request,
        "billing/payments.html",
        {"page": page, "state": state, "states": Payment.State.choices},
    )


@login_required
def payment_refund_confirm(request, reference: str):
    """Officers: GET asks first (what will be given back); POST gives it back."""
    _officer(request)
    payment = get_object_or_404(
        Payment.objects.select_related("booking__room__site"), reference=reference
    )
    if request.method == "POST":
        try:
            payment = payment_refund(payment=payment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PaymentError as error:
            log.warning("refund of %s failed: %s", reference, error)
            messages.error(
                request, _("The payment service did not make the refund. Try again later.")
            )
        else:
            messages.success(
                request,
                _("%(amount)s kr is refunded.") % {"amount": kroner(payment.refunded_ore)},
            )
        return redirect("billing:payments")
    return render(
        request,
        "billing/payment_refund.html",
        {
            "payment": payment,
            "left": kroner(payment.captured_ore - payment.refunded_ore),
        },
    )


@csrf_exempt
@require_POST
def vipps_webhook(request):
    """Vipps MobilePay's webhook: signed (HMAC-SHA256) with VIPPS_WEBHOOK_SECRET; a wrong
    signature is a 400 and changes nothing. Delivered twice, it acts once."""
    if not settings.PAYMENT_BACKEND:
        raise Http404
    body = request.body
    if not vipps.webhook_signature_ok(
        secret=settings.VIPPS_WEBHOOK_SECRET,
        path_and_query=request.get_full_path(),
        host=request.get_host(),
        headers=request.headers,
        body=body,
    ):
        return JsonResponse({"detail": "bad signature"}, status=400)
    try:
        event = json.loads(body)
        reference, name = str(event["reference"]), str(event["name"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "not an ePayment event"}, status=400)
    psp = str(event.get("pspReference") or event.get("idempotencyKey") or event.get("timestamp"))
    dedup = f"vipps:{reference}:{name}:{psp}"
    try:
        payment = payment_event(reference=reference, name=name, dedup=dedup, body=event)
    except ProviderUnavailable as error:
        log.warning("webhook for %s not handled now: %s", reference, error)
        return JsonResponse({"detail": "try again"}, status=503)
    return JsonResponse({"known": payment is not None})
