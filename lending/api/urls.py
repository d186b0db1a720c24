from django.urls import path

from lending.api import views

urlpatterns = [
    path("item-types/", views.ItemTypeListView.as_view(), name="api-lending-item-types"),
    path("reservations/", views.ReservationView.as_view(), name="api-lending-reservations"),
    path("borrowers/", views.BorrowerView.as_view(), name="api-lending-borrowers"),
    path(
        "borrowers/<int:pk>/export/",
        views.BorrowerExportView.as_view(),
        name="api-lending-borrower-export",
    ),
    path("loans/", views.LoanView.as_view(), name="api-lending-loans"),
    path("loans/check/", views.LoanCheckView.as_view(), name="api-lending-loan-check"),
    path("returns/", views.ReturnView.as_view(), name="api-lending-returns"),
    path("stats/", views.StatsView.as_view(), name="api-lending-stats"),
]
