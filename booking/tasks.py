"""Periodic sweeps run by Celery beat (or `manage.py run_periodic` without a broker).

Each sweep writes what is due now and not yet written; the outbox's idempotency keys
make a second run, or a run after a missed one, send nothing twice.
"""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from booking import notify, privacy


@shared_task(name="booking.send_reminders")
def send_reminders() -> int:
    with transaction.atomic():
        return notify.send_reminders(now=timezone.now())


@shared_task(name="booking.send_caretaker_digests")
def send_caretaker_digests() -> int:
    with transaction.atomic():
        return notify.send_caretaker_digests(now=timezone.now())


@shared_task(name="booking.anonymise_bookings")
def anonymise_bookings() -> int:
    return privacy.bookings_anonymise()
