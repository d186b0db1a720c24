"""How a message leaves: rendered in the recipient's language, sent by email or SMS.

Templates live with the app that decides what to say, under ``messages/``:
``<template>.subject.txt`` and ``<template>.txt`` for email, ``<template>.sms.txt`` for
SMS: one file for every language (nb, nn, en), whose texts go through ``{% translate %}``.
They are rendered in Europe/Oslo time with the message's language active; sealed secrets
(``sealing``) are opened only here.
"""

import hashlib
import smtplib
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from notifications import sealing, sms
from notifications.ics import build_calendar
from notifications.models import Message


class Transient(Exception):
    """Delivery failed in a way worth trying again."""


def _render(message: Message, suffix: str) -> str:
    name = f"messages/{message.template}.{suffix}"
    with translation.override(message.language), timezone.override(settings.TIME_ZONE):
        return render_to_string(name, sealing.opened(message.context))


def message_id(message: Message) -> str:
    """The email's Message-ID: the same on every send of one outbox row, from any worker.

    A copy sent again (its worker died after the mail server had it, before it said so) is
    recognisably the same message, and the recipient's mail client shows it once.
    """
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:16]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "lokale"
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        domain = "lokale"
    return f"<message-{message.pk}.{digest}@{domain}>"


def _email(message: Message) -> None:
    subject = " ".join(_render(message, "subject.txt").split())
    email = EmailMessage(
        subject=subject,
        body=_render(message, "txt"),
        to=[message.recipient],
        headers={"Message-ID": message_id(message), "X-Lokale-Message": message.idempotency_key},
    )
    events = message.context.get("calendar")
    if events:
        email.attach("invitation.ics", build_calendar(events), "text/calendar; charset=utf-8")
    email.send(fail_silently=False)


def _sms(message: Message) -> None:
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(message.recipient, _render(message, "sms.txt").strip())


SENDERS = {Message.Channel.EMAIL: _email, Message.Channel.SMS: _sms}


def is_transient(error: BaseException) -> bool:
    """Worth another try: a 4xx reply, a dropped or refused connection, a timeout (of a
    socket, or of a worker's deliver task)."""
    if isinstance(error, sms.TransientError | Transient | SoftTimeLimitExceeded):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)  # refused, reset, unreachable, timed out


def send(message: Message) -> None:
    SENDERS[message.channel](message)
