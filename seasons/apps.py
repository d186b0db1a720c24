from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeasonsConfig(AppConfig):
    name = "seasons"
    verbose_name = _("Season allocation")

    def ready(self):
        from booking.signals import demo_seeded
        from seasons.demo import seed_demo_season

        demo_seeded.connect(seed_demo_season, dispatch_uid="seasons-demo")
