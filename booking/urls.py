import datetime as dt

from django.urls import path, register_converter

from booking import feeds, views
from booking.validators import MAX_YEAR, MIN_YEAR


class DateConverter:
    """A date in the years the service works with (anything else is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        day = dt.date.fromisoformat(value)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError(value)
        return day

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DateConverter, "date")

app_name = "booking"

urlpatterns = [
    path("", views.home, name="home"),
    path("rooms/", views.room_finder, name="room_finder"),
    path("rooms/<int:pk>/", views.room_week, name="room_week"),
    path("rooms/<int:room_pk>/book/", views.booking_new, name="booking_new"),
    path("sites/<int:pk>/guidelines/", views.site_guidelines, name="site_guidelines"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/change/", views.booking_change, name="booking_change"),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/<int:pk>/", views.booking_decide, name="booking_decide"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/awaiting/", views.awaiting_verification, name="awaiting_verification"),
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    # My organisation
    path("organisations/mine/", views.my_organisations, name="my_organisations"),
    path("organisations/<int:pk>/", views.organisation_page, name="organisation"),
    path(
        "organisations/<int:pk>/details/",
        views.organisation_details,
        name="organisation_details",
    ),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("organisations/<int:pk>/leave/", views.organisation_leave, name="organisation_leave"),
    path(
        "organisations/<int:pk>/members/<int:member>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "organisations/<int:pk>/members/<int:member>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("organisations/invitations/<str:token>/", views.invitation_open, name="invitation_open"),
    path("closures/new/", views.closure_new, name="closure_new"),
    path("officers/people/", views.people_page, name="people"),
    path("officers/people/roles/", views.people_role, name="people_role"),
    path("messages/failed/", views.failed_messages, name="failed_messages"),
    path("messages/<int:pk>/resend/", views.message_resend, name="message_resend"),
    path("caretaker/", views.caretaker_home, name="caretaker_home"),
    path("caretaker/<int:site>/<date:day>/", views.caretaker_day, name="caretaker_day"),
    path("caretaker/bookings/<int:pk>/report/", views.caretaker_report, name="caretaker_report"),
    path("caretaker/report/", views.caretaker_report, name="caretaker_report_any"),
    path("calendar/links/", views.calendar_links, name="calendar_links"),
    path(
        "calendar/links/<str:kind>/<int:pk>/new/",
        views.calendar_link_new,
        name="calendar_link_new",
    ),
    path("calendar/rooms/<int:pk>.ics", feeds.room_feed, name="feed_room"),
    path("calendar/organisations/<int:pk>.ics", feeds.organisation_feed, name="feed_organisation"),
    path("calendar/sites/<int:pk>.ics", feeds.site_feed, name="feed_site"),
    path("reports/support/", views.support_report_page, name="support_report"),
    path("reports/support.csv", views.support_report_download, name="support_report_csv"),
]
