"""Forgetting a person in the outbox: the messages to them, and their name, address and
phone in messages to others (a caretaker's list of the day's bookers)."""

import json

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from notifications.models import Message

ERASED = "–"


def _erase(value, words: list[str]):
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, ERASED)
        return value
    if isinstance(value, list):
        return [_erase(item, words) for item in value]
    if isinstance(value, dict):
        return {key: _erase(item, words) for key, item in value.items()}
    return value


def messages_forget(*, recipients: list[str], words: list[str]) -> int:
    """Delete every message to one of ``recipients`` and cut ``words`` out of the others.
    Returns how many messages were changed or deleted."""
    recipients = [r for r in recipients if r]
    words = [w for w in words if w]
    deleted, _per_model = Message.objects.filter(recipient__in=recipients).delete()
    if not words:
        return deleted
    # The context is JSON: stored as written (PostgreSQL) or with \u escapes (SQLite).
    mention = Q()
    for word in words:
        mention |= Q(text__contains=word) | Q(text__contains=json.dumps(word)[1:-1])
    changed = 0
    found = Message.objects.annotate(text=Cast("context", TextField())).filter(mention)
    for message in found.only("pk", "context"):
        Message.objects.filter(pk=message.pk).update(context=_erase(message.context, words))
        changed += 1
    return deleted + changed
