"""Web pages of the lending centre: the catalogue for everyone, the counter for staff."""

from lending.views.catalogue import (
    booking_equipment,
    catalogue_page,
    reservation_cancel,
    reserve,
)
from lending.views.counter import (
    borrower_export,
    checkout,
    counter_page,
    labels,
    loan_receipt,
    overdue,
    register_borrower,
    return_unit,
    scan,
    scan_remove,
    stats_csv,
    stats_page,
)

__all__ = [
    "booking_equipment",
    "borrower_export",
    "catalogue_page",
    "checkout",
    "counter_page",
    "labels",
    "loan_receipt",
    "overdue",
    "register_borrower",
    "reservation_cancel",
    "reserve",
    "return_unit",
    "scan",
    "scan_remove",
    "stats_csv",
    "stats_page",
]
