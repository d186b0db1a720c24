from booking.models.bookings import Booking, BookingSeries
from booking.models.caretaking import BookingReport
from booking.models.facts import FactsVersion
from booking.models.guidelines import Guidelines
from booking.models.organisations import Invitation, Membership, Organisation, Profile
from booking.models.places import Closure, Facility, OpeningHours, Room, RoomPhoto, Site
from booking.models.pricing import PriceRule
from booking.validators import ChoiceListValidator

__all__ = [
    "Booking",
    "BookingReport",
    "BookingSeries",
    "ChoiceListValidator",
    "Closure",
    "Facility",
    "FactsVersion",
    "Guidelines",
    "Invitation",
    "Membership",
    "OpeningHours",
    "Organisation",
    "PriceRule",
    "Profile",
    "Room",
    "RoomPhoto",
    "Site",
]
