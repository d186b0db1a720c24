from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Lending centre")

    def ready(self):
        from booking.signals import bookings_released, demo_seeded
        from lending.demo import seed_demo_lending
        from lending.services import release_for_bookings

        def release(sender, booking_ids, **kwargs):
            release_for_bookings(booking_ids)

        bookings_released.connect(release, weak=False, dispatch_uid="lending-release")
        demo_seeded.connect(seed_demo_lending, dispatch_uid="lending-demo")
