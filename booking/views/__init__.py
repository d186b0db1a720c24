"""Web pages for people who book, and for the officers who approve."""

from booking.views.bookings import booking_cancel, booking_detail, booking_new, my_bookings
from booking.views.calendar import calendar_link_new, calendar_links
from booking.views.caretaker import caretaker_day, caretaker_home, caretaker_report
from booking.views.changes import booking_change
from booking.views.guidelines import site_guidelines
from booking.views.officers import (
    approval_queue,
    awaiting_verification,
    booking_decide,
    closure_new,
    failed_messages,
    message_resend,
    organisation_verify,
    support_report_download,
    support_report_page,
)
from booking.views.organisations import (
    invitation_open,
    invitation_withdraw,
    membership_remove,
    membership_role,
    my_organisations,
    organisation_details,
    organisation_invite,
    organisation_leave,
    organisation_page,
)
from booking.views.people import people_page, people_role
from booking.views.registration import organisation_new
from booking.views.rooms import home, room_finder, room_week

__all__ = [
    "approval_queue",
    "awaiting_verification",
    "booking_cancel",
    "booking_change",
    "booking_decide",
    "booking_detail",
    "booking_new",
    "calendar_link_new",
    "calendar_links",
    "caretaker_day",
    "caretaker_home",
    "caretaker_report",
    "closure_new",
    "failed_messages",
    "home",
    "invitation_open",
    "invitation_withdraw",
    "membership_remove",
    "membership_role",
    "message_resend",
    "my_bookings",
    "my_organisations",
    "organisation_details",
    "organisation_invite",
    "organisation_leave",
    "organisation_new",
    "organisation_page",
    "organisation_verify",
    "people_page",
    "people_role",
    "room_finder",
    "room_week",
    "site_guidelines",
    "support_report_download",
    "support_report_page",
]
