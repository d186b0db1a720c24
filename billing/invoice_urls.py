"""The invoice batches (officers) and what a customer owes and paid."""

from django.urls import path

from billing.views import invoices, money

urlpatterns = [
    path("invoicing/", invoices.batch_list, name="batches"),
    path("invoicing/<int:pk>/", invoices.batch_detail, name="batch"),
    path("invoicing/<int:pk>/export/", invoices.batch_export, name="batch_export"),
    path("invoicing/<int:pk>/discard/", invoices.batch_discard, name="batch_discard"),
    path("invoicing/<int:pk>/file/<str:fmt>/", invoices.batch_file, name="batch_file"),
    path("money/", money.my_money, name="my_money"),
]
