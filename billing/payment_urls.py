from django.urls import path

from billing.views import payments as views

urlpatterns = [
    path("payments/", views.payments, name="payments"),
    path("payments/booking/<int:pk>/", views.pay, name="pay"),
    path("payments/return/<str:reference>/", views.payment_return, name="payment_return"),
    path(
        "payments/<str:reference>/refund/",
        views.payment_refund_confirm,
        name="payment_refund",
    ),
    path("payments/vipps/webhook/", views.vipps_webhook, name="vipps_webhook"),
]
