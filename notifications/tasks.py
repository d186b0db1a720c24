"""Thin tasks: they take ids and call the services."""

from celery import shared_task
from django.conf import settings

from notifications import services


@shared_task(
    bind=True,
    name="notifications.deliver",
    acks_late=True,
    soft_time_limit=settings.NOTIFY_SEND_TIME_LIMIT - settings.EMAIL_TIMEOUT,  # retried
    time_limit=settings.NOTIFY_SEND_TIME_LIMIT,  # the process is killed; the sweep sends it
)
def deliver(self, message_id: int) -> str:
    outcome = services.send_message(message_id)
    if outcome.retry_in is not None:
        # If the broker cannot take the retry, the row is queued and the sweep sends it.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status


@shared_task(name="notifications.sweep")
def sweep() -> int:
    return services.sweep()


@shared_task(name="notifications.purge")
def purge() -> int:
    return services.purge()
