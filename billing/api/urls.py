from django.urls import include, path

urlpatterns = [
    path("", include("billing.api.invoice_urls")),
    path("", include("billing.api.payment_urls")),
]
