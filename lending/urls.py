from django.urls import path

from lending import views

app_name = "lending"

urlpatterns = [
    path("", views.catalogue_page, name="catalogue"),
    path("item-types/<int:pk>/reserve/", views.reserve, name="reserve"),
    path("reservations/<int:pk>/cancel/", views.reservation_cancel, name="reservation_cancel"),
    path("bookings/<int:pk>/equipment/", views.booking_equipment, name="booking_equipment"),
    path("counter/", views.counter_page, name="counter"),
    path("counter/borrowers/", views.register_borrower, name="register_borrower"),
    path("counter/scan/", views.scan, name="scan"),
    path("counter/scan/<int:index>/remove/", views.scan_remove, name="scan_remove"),
    path("counter/checkout/", views.checkout, name="checkout"),
    path("counter/return/", views.return_unit, name="return_unit"),
    path("loans/<int:pk>/", views.loan_receipt, name="loan_receipt"),
    path("overdue/", views.overdue, name="overdue"),
    path("labels/", views.labels, name="labels"),
    path("stats/", views.stats_page, name="stats"),
    path("stats.csv", views.stats_csv, name="stats_csv"),
    path("borrowers/<int:pk>/export.json", views.borrower_export, name="borrower_export"),
]
