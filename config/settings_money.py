"""Money settings, read by config/settings.py: how bookings are paid and invoiced.

Everything is off until configured: without LOKALE_PAYMENT_BACKEND every booking that
costs money is invoiced. Amounts are never read from here as floats.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_list, env_str, env_url

ENV_NAMES = {
    "LOKALE_PAYMENT_BACKEND",
    "LOKALE_PAY_AT_BOOKING",
    "LOKALE_PAYMENT_TIMEOUT_MINUTES",
    "LOKALE_REFUND_FULL_DAYS",
    "LOKALE_REFUND_LATE_PERCENT",
    "LOKALE_VIPPS_URL",
    "LOKALE_VIPPS_CLIENT_ID",
    "LOKALE_VIPPS_CLIENT_SECRET",
    "LOKALE_VIPPS_SUBSCRIPTION_KEY",
    "LOKALE_VIPPS_MSN",
    "LOKALE_VIPPS_WEBHOOK_SECRET",
    "LOKALE_VIPPS_TIMEOUT",
    "LOKALE_INVOICE_FORMAT",
    "LOKALE_INVOICE_VAT_EXEMPT_CODE",
    "LOKALE_INVOICE_CLIENT",
    "LOKALE_INVOICE_RESPONSIBILITY",
    "LOKALE_INVOICE_SERVICE",
    "LOKALE_INVOICE_ACCOUNT",
    "LOKALE_INVOICE_PROJECT",
    "LOKALE_INVOICE_VOUCHER_TYPE",
}

PAYMENT_BACKENDS = {"": "", "vipps": "billing.vipps.VippsBackend"}
_backend = env_str("LOKALE_PAYMENT_BACKEND").strip().lower()
if _backend not in PAYMENT_BACKENDS:
    raise ImproperlyConfigured(
        f"LOKALE_PAYMENT_BACKEND={_backend!r}: use vipps, or leave it empty "
        "(everything is invoiced)."
    )
PAYMENT_BACKEND = PAYMENT_BACKENDS[_backend]

_PAYERS = {"private", "voluntary", "municipal", "commercial", "other"}
PAY_AT_BOOKING = env_list("LOKALE_PAY_AT_BOOKING", ["private", "commercial"])
if set(PAY_AT_BOOKING) - _PAYERS:
    raise ImproperlyConfigured(
        f"LOKALE_PAY_AT_BOOKING has {sorted(set(PAY_AT_BOOKING) - _PAYERS)}: "
        f"use some of {sorted(_PAYERS)}."
    )
# A booking waiting for its payment holds its time this long, then is released.
PAYMENT_TIMEOUT_MINUTES = env_int("LOKALE_PAYMENT_TIMEOUT_MINUTES", 15, minimum=1)
# Cancelled at least this many days before it starts, a paid booking is refunded in full;
# later, this percent of it (a site's own terms in the admin come first).
REFUND_FULL_DAYS = env_int("LOKALE_REFUND_FULL_DAYS", 7, minimum=0)
REFUND_LATE_PERCENT = env_int("LOKALE_REFUND_LATE_PERCENT", 0, minimum=0)
if REFUND_LATE_PERCENT > 100:
    raise ImproperlyConfigured("LOKALE_REFUND_LATE_PERCENT is a percent: 0 to 100.")

# Vipps MobilePay's ePayment API (https://developer.vippsmobilepay.com/docs/APIs/epayment-api/).
VIPPS_URL = env_url("LOKALE_VIPPS_URL") or "https://apitest.vipps.no"
VIPPS_CLIENT_ID = env_str("LOKALE_VIPPS_CLIENT_ID")
VIPPS_CLIENT_SECRET = env_str("LOKALE_VIPPS_CLIENT_SECRET")
VIPPS_SUBSCRIPTION_KEY = env_str("LOKALE_VIPPS_SUBSCRIPTION_KEY")
VIPPS_MSN = env_str("LOKALE_VIPPS_MSN")
VIPPS_WEBHOOK_SECRET = env_str("LOKALE_VIPPS_WEBHOOK_SECRET")
VIPPS_TIMEOUT = env_int("LOKALE_VIPPS_TIMEOUT", 10, minimum=1)
if _backend == "vipps":
    _missing = [
        name
        for name, value in [
            ("LOKALE_VIPPS_CLIENT_ID", VIPPS_CLIENT_ID),
            ("LOKALE_VIPPS_CLIENT_SECRET", VIPPS_CLIENT_SECRET),
            ("LOKALE_VIPPS_SUBSCRIPTION_KEY", VIPPS_SUBSCRIPTION_KEY),
            ("LOKALE_VIPPS_MSN", VIPPS_MSN),
        ]
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"LOKALE_PAYMENT_BACKEND=vipps needs {', '.join(_missing)}.")

# The invoice basis: the file the accounting system loads, and its codes (a site's own
# codes in the admin come first).
INVOICE_FORMATS = ("csv", "ubw")
INVOICE_FORMAT = env_str("LOKALE_INVOICE_FORMAT").strip().lower() or "ubw"
if INVOICE_FORMAT not in INVOICE_FORMATS:
    raise ImproperlyConfigured(f"LOKALE_INVOICE_FORMAT={INVOICE_FORMAT!r}: use csv or ubw.")
INVOICE_VAT_EXEMPT_CODE = env_str("LOKALE_INVOICE_VAT_EXEMPT_CODE").strip() or "0"
INVOICE_CLIENT = env_str("LOKALE_INVOICE_CLIENT", "")
INVOICE_RESPONSIBILITY = env_str("LOKALE_INVOICE_RESPONSIBILITY", "")
INVOICE_SERVICE = env_str("LOKALE_INVOICE_SERVICE", "")
INVOICE_ACCOUNT = env_str("LOKALE_INVOICE_ACCOUNT", "")
INVOICE_PROJECT = env_str("LOKALE_INVOICE_PROJECT", "")
INVOICE_VOUCHER_TYPE = env_str("LOKALE_INVOICE_VOUCHER_TYPE", "")
