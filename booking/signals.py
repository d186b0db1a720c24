"""What other apps may want to hear about bookings, without booking/ importing them."""

from django.dispatch import Signal

# Sent inside the transaction, with ``booking_ids``: the bookings were cancelled, rejected,
# or moved to another day, so whatever was held for them (equipment) should be given back.
bookings_released = Signal()

# Sent by ``manage.py seed_demo`` inside its transaction, with ``users`` (the demo users by
# username) and ``sites`` (the demo sites by name), once booking's part is in place. A
# receiver adds its app's demo data and returns how many objects it made (0 when it was
# all there already).
demo_seeded = Signal()
