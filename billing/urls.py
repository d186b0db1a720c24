"""Pages of billing: the invoice basis (officers), payments, and what a customer owes."""

from django.urls import include, path

app_name = "billing"

urlpatterns = [
    path("", include("billing.invoice_urls")),
    path("", include("billing.payment_urls")),
]
