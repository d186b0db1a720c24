"""What other apps may want to hear about bookings, without booking/ importing them."""

from django.dispatch import Signal

# Sent inside the transaction, with ``booking_ids``: the bookings were cancelled, rejected,
# or moved to another day, so whatever was held for them (equipment) should be given back.
bookings_released = Signal()
