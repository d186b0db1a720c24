from django.urls import path

from billing.api import payments

urlpatterns = [
    path("payments/", payments.PaymentListView.as_view(), name="api-payments"),
    path(
        "payments/<str:reference>/",
        payments.PaymentDetailView.as_view(),
        name="api-payment-detail",
    ),
]
