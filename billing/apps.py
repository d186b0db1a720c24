from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Money")

    def ready(self):
        from booking.signals import bookings_released

        bookings_released.connect(
            _refund_after_commit, weak=False, dispatch_uid="billing-refund-released"
        )


def _refund_after_commit(sender, booking_ids, **kwargs):
    """A released booking may have been paid: its refund is decided once the release has
    committed (billing.refunds), never inside the booking's transaction."""
    from django.conf import settings
    from django.db import transaction

    from billing.tasks import dispatch_refunds

    if settings.PAYMENT_BACKEND:
        transaction.on_commit(partial(dispatch_refunds, list(booking_ids)))
