from django.urls import path

from billing.api import invoices

urlpatterns = [
    path("invoice-batches/", invoices.InvoiceBatchListView.as_view(), name="api-invoice-batches"),
    path(
        "invoice-batches/<int:pk>/",
        invoices.InvoiceBatchDetailView.as_view(),
        name="api-invoice-batch",
    ),
    path(
        "invoice-batches/<int:pk>/export/",
        invoices.InvoiceBatchExportView.as_view(),
        name="api-invoice-batch-export",
    ),
    path(
        "invoice-batches/<int:pk>/file/<str:fmt>/",
        invoices.InvoiceBatchFileView.as_view(),
        name="api-invoice-batch-file",
    ),
]
