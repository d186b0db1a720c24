from django.urls import path

from booking import views

app_name = "booking"

urlpatterns = [
    path("", views.home, name="home"),
    path("rooms/", views.room_finder, name="room_finder"),
    path("rooms/<int:pk>/", views.room_week, name="room_week"),
    path("rooms/<int:room_pk>/book/", views.booking_new, name="booking_new"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/<int:pk>/", views.booking_decide, name="booking_decide"),
    path("organisations/awaiting/", views.awaiting_verification, name="awaiting_verification"),
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    path("closures/new/", views.closure_new, name="closure_new"),
    path("messages/failed/", views.failed_messages, name="failed_messages"),
    path("messages/<int:pk>/resend/", views.message_resend, name="message_resend"),
    path("reports/support/", views.support_report_page, name="support_report"),
    path("reports/support.csv", views.support_report_download, name="support_report_csv"),
]
