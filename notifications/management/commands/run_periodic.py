"""Run beat's periodic jobs here, without a broker: the embedded mode's scheduler.

With a broker, Celery beat runs these jobs on a worker. Without one (the embedded
default), run ``manage.py run_periodic --loop`` beside the web server, or run it without
``--loop`` from cron every few minutes. Each job is a sweep that sends only what is due
and not yet sent, so running it twice, or late, does no harm.
"""

import time

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the periodic jobs of CELERY_BEAT_SCHEDULE once (or every --interval seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs")

    def handle(self, *args, loop: bool, interval: int, **options):
        current_app.loader.import_default_modules()  # find every app's tasks, as a worker does
        while True:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                result = current_app.tasks[entry["task"]].apply()
                self.stdout.write(f"{name}: {result.result}")
            if not loop:
                return
            time.sleep(interval)
