"""A person's own data across the apps: given back as JSON, and forgotten when they delete
their account. It lives above booking and lending (which it both calls), beside the URLs
that join them; each app forgets its own part.

Works with or without django-allauth's account and socialaccount apps installed.
"""

import datetime as dt

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from booking import privacy as booking_privacy
from lending import privacy as lending_privacy
from lending.models import Borrower
from notifications import privacy as notification_privacy


def _installed_rows(app_label: str, model: str, user):
    if not apps.is_installed(f"allauth.{app_label}"):
        return None
    return apps.get_model(app_label, model).objects.filter(user=user)


def account_data(user) -> dict:
    """Everything Lokale keeps about the signed-in person (GDPR article 15)."""
    data = booking_privacy.booking_data(user)
    borrower = Borrower.objects.filter(user=user).first()
    data["borrower"] = lending_privacy.borrower_export(borrower) if borrower else None
    addresses = _installed_rows("account", "EmailAddress", user)
    if addresses is not None:
        data["email_addresses"] = [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ]
    accounts = _installed_rows("socialaccount", "SocialAccount", user)
    if accounts is not None:
        data["logins_elsewhere"] = [
            {"provider": a.provider, "uid": a.uid, "date_joined": a.date_joined.isoformat()}
            for a in accounts
        ]
    data["exported_at"] = timezone.now().isoformat()
    return data


def deletion_obstacles(user, *, now: dt.datetime | None = None) -> list[str]:
    """What must be done before ``user`` can delete their account (empty: nothing)."""
    now = now or timezone.now()
    return booking_privacy.deletion_obstacles(user, now=now) + lending_privacy.borrower_obstacles(
        user
    )


@transaction.atomic
def account_delete(*, user, by, now: dt.datetime | None = None) -> None:
    """Forget ``user`` (only they themself may): their name, email and phone leave every
    row (bookings' texts, the borrower record, the outbox, the admin's history, the
    login-attempt log, allauth's addresses and linked logins); the user row stays as an
    inactive "deleted user" that booked their bookings, so the statistics stay true.

    Raises ValidationError with the reasons of deletion_obstacles; nothing changes then.
    """
    if by is None or by.pk != user.pk:
        raise PermissionDenied("only the person themself deletes their account")
    now = now or timezone.now()
    reasons = lending_privacy.borrower_obstacles(user)
    if reasons:
        raise ValidationError(reasons)
    words = booking_privacy.person_words(user)
    recipients = [user.email, getattr(getattr(user, "profile", None), "phone", "")]
    username = user.get_username()
    user_type = ContentType.objects.get_for_model(user)
    booking_privacy.person_forget(user=user, now=now)
    lending_privacy.borrower_forget(user=user, now=now)
    notification_privacy.messages_forget(recipients=recipients, words=words)
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=user.get_username()
    )
    for word in words:
        LogEntry.objects.filter(object_repr__contains=word).update(
            object_repr=Replace("object_repr", Value(word), Value(booking_privacy.ERASED))
        )
    if apps.is_installed("axes"):
        for model in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            apps.get_model("axes", model).objects.filter(username=username).delete()
    for rows in (_installed_rows("account", "EmailAddress", user),
                 _installed_rows("socialaccount", "SocialAccount", user)):  # fmt: skip
        if rows is not None:
            rows.delete()
    if apps.is_installed("rest_framework.authtoken"):
        apps.get_model("authtoken", "Token").objects.filter(user=user).delete()
