from django.urls import path, register_converter

from booking import feeds, views


class DateConverter:
    regex = r"(?:20\d\d|2100)-\d{2}-\d{2}"  # the years the service works with

    def to_python(self, value):
        import datetime as dt

        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(value) from None

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DateConverter, "date")

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
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/awaiting/", views.awaiting_verification, name="awaiting_verification"),
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    path("closures/new/", views.closure_new, name="closure_new"),
    path("messages/failed/", views.failed_messages, name="failed_messages"),
    path("messages/<int:pk>/resend/", views.message_resend, name="message_resend"),
    path("caretaker/", views.caretaker_home, name="caretaker_home"),
    path("caretaker/<int:site>/<date:day>/", views.caretaker_day, name="caretaker_day"),
    path("caretaker/bookings/<int:pk>/report/", views.caretaker_report, name="caretaker_report"),
    path("caretaker/report/", views.caretaker_report, name="caretaker_report_any"),
    path("calendar/", views.activity_calendar, name="activity_calendar"),
    path("calendar/links/", views.calendar_links, name="calendar_links"),
    path(
        "calendar/links/<str:kind>/<int:pk>/new/",
        views.calendar_link_new,
        name="calendar_link_new",
    ),
    path("calendar/public.ics", feeds.public_feed, name="feed_public"),
    path("calendar/rooms/<int:pk>.ics", feeds.room_feed, name="feed_room"),
    path("calendar/organisations/<int:pk>.ics", feeds.organisation_feed, name="feed_organisation"),
    path("calendar/sites/<int:pk>.ics", feeds.site_feed, name="feed_site"),
    path("reports/support/", views.support_report_page, name="support_report"),
    path("reports/support.csv", views.support_report_download, name="support_report_csv"),
]
