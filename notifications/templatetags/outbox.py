"""Filters for message templates, whose context is JSON."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def isodt(value: str) -> dt.datetime | dt.date | None:
    """An ISO 8601 instant (or a date) from a message's context, as a datetime (or date)."""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
