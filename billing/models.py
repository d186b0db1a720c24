"""Money: the invoice basis for the municipality's accounting system, and payments made
at booking. Amounts are integer øre; a credit is a negative amount. No float anywhere."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, Site


class SiteAccount(models.Model):
    """A site's codes in the accounting system, and its cancellation terms for payments.
    Empty fields take the LOKALE_INVOICE_* and LOKALE_REFUND_* settings."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="account")
    client = models.CharField(_("client (firma)"), max_length=25, blank=True)
    responsibility = models.CharField(_("responsibility (ansvar)"), max_length=25, blank=True)
    service = models.CharField(_("service (tjeneste)"), max_length=25, blank=True)
    account = models.CharField(_("account (art)"), max_length=25, blank=True)
    project = models.CharField(_("project"), max_length=25, blank=True)
    refund_full_days = models.PositiveIntegerField(
        _("full refund until this many days before"), null=True, blank=True
    )
    refund_late_percent = models.PositiveIntegerField(
        _("percent refunded when cancelled later"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("site's accounting codes")
        verbose_name_plural = _("sites' accounting codes")

    def __str__(self) -> str:
        return str(self.site)


class InvoiceBatch(models.Model):
    """The invoice basis of a period, made by an officer. A draft may be thrown away (its
    lines with it, so its bookings are invoiced by the next batch); once exported it is
    the record of what the accounting system was given, and never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        EXPORTED = "exported", _("exported")

    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invoice batch")
        verbose_name_plural = _("invoice batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")), name="batch_period_forward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.period_from}–{self.period_to}"


class InvoiceLine(models.Model):
    """One booking on one customer's invoice basis: a debit, or a credit of an earlier
    debit (the booking was cancelled or moved after it was invoiced).

    A booking is never invoiced twice: at most one *open* debit per booking (a partial
    unique index), and a debit is credited at most once (``credits`` is one-to-one)."""

    class Kind(models.TextChoices):
        DEBIT = "debit", _("invoice")
        CREDIT = "credit", _("credit")

    batch = models.ForeignKey(InvoiceBatch, on_delete=models.CASCADE, related_name="lines")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="invoice_lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A debit is open until a credit line credits it.
    open = models.BooleanField(default=False)
    credits = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credited_by"
    )
    # The customer, as invoiced: an organisation (organisation number) or a private person.
    customer_key = models.CharField(_("customer"), max_length=40)
    customer_org_number = models.CharField(_("organisation number"), max_length=9, blank=True)
    customer_name = models.CharField(_("name"), max_length=200)
    customer_address = models.TextField(_("address"), max_length=500, blank=True)
    customer_reference = models.CharField(_("reference"), max_length=100, blank=True)
    customer_email = models.CharField(_("email"), max_length=254, blank=True)
    # What was invoiced, as it was when invoiced.
    site_name = models.CharField(_("site"), max_length=200)
    room_name = models.CharField(_("room"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=4)
    unit_price_ore = models.BigIntegerField(_("price per hour (øre)"))
    amount_ore = models.BigIntegerField(_("amount (øre)"))
    vat_code = models.CharField(_("VAT code"), max_length=10)
    vat_ore = models.BigIntegerField(_("VAT included (øre)"), default=0)
    rule_name = models.CharField(_("price rule"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300)
    client = models.CharField(_("client (firma)"), max_length=25, blank=True)
    responsibility = models.CharField(_("responsibility (ansvar)"), max_length=25, blank=True)
    service = models.CharField(_("service (tjeneste)"), max_length=25, blank=True)
    account = models.CharField(_("account (art)"), max_length=25, blank=True)
    project = models.CharField(_("project"), max_length=25, blank=True)

    class Meta:
        ordering = ["batch", "customer_key", "start", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(open=True), name="invoice_one_open_debit"
            ),
            models.CheckConstraint(
                condition=(Q(kind="debit", amount_ore__gt=0, credits__isnull=True))
                | Q(kind="credit", amount_ore__lt=0, credits__isnull=False, open=False),
                name="invoice_line_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.booking_id}: {self.amount_ore} øre"


class Payment(models.Model):
    """A booking's payment at a payment provider (Vipps MobilePay's ePayment first).

    ``reference`` is ours and unique; the provider knows the payment by it. The state is
    the provider's as last heard (webhook or poll); captured and refunded sums only grow."""

    class State(models.TextChoices):
        NEW = "new", _("not started")
        CREATED = "created", _("waiting for the payer")
        AUTHORIZED = "authorized", _("authorised")
        CAPTURED = "captured", _("paid")
        ABORTED = "aborted", _("given up")
        EXPIRED = "expired", _("expired")
        TERMINATED = "terminated", _("stopped")
        CANCELLED = "cancelled", _("cancelled")

    OPEN_STATES = (State.NEW, State.CREATED)

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="online_payment")
    provider = models.CharField(_("provider"), max_length=20)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    amount_ore = models.BigIntegerField(_("amount (øre)"), validators=[MinValueValidator(1)])
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    redirect_url = models.URLField(_("payment page"), max_length=2000, blank=True)
    psp_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_ore = models.BigIntegerField(_("captured (øre)"), default=0)
    refunded_ore = models.BigIntegerField(_("refunded (øre)"), default=0)
    # What the cancellation rules give back, decided once when the booking is cancelled.
    refund_due_ore = models.BigIntegerField(_("refund due (øre)"), null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(captured_ore__gte=0, captured_ore__lte=models.F("amount_ore")),
                name="payment_captured_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(refunded_ore__gte=0, refunded_ore__lte=models.F("captured_ore")),
                name="payment_refunded_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"


class PaymentEvent(models.Model):
    """What the provider told us (a webhook) or we asked it (a call), kept for the record.
    A webhook delivered twice is one row (``dedup`` is unique) and changes nothing more."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    dedup = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=40)
    amount_ore = models.BigIntegerField(null=True, blank=True)
    success = models.BooleanField(default=True)
    body = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.dedup}"
