"""Periodic sweeps of the lending centre (Celery beat, or `manage.py run_periodic`)."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from lending import notify, privacy


@shared_task(name="lending.send_due_reminders")
def send_due_reminders() -> int:
    with transaction.atomic():
        return notify.send_due_reminders(now=timezone.now())


@shared_task(name="lending.anonymise_borrowers")
def anonymise_borrowers() -> int:
    return privacy.borrowers_anonymise()
