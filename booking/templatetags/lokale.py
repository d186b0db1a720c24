"""Times as people in Norway read them: «tirsdag 14. januar kl. 18:00»."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _day(value) -> str:
    fmt = "l j F" if (get_language() or "nb").startswith("en") else "l j. F"
    return date_format(value, fmt)


@register.filter
def day(value) -> str:
    """A date or datetime as «tirsdag 14. januar»."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return _day(value)


@register.filter
def hm(value) -> str:
    return timezone.localtime(value).strftime("%H:%M")


@register.filter
def when(value) -> str:
    """«tirsdag 14. januar kl. 18:00»"""
    local = timezone.localtime(value)
    return _("%(day)s at %(time)s") % {"day": _day(local), "time": local.strftime("%H:%M")}


@register.simple_tag
def span(start, end) -> str:
    """«tirsdag 14. januar kl. 18:00–20:00»"""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    return _("%(day)s at %(time)s") % {
        "day": _day(local_start),
        "time": f"{local_start:%H:%M}–{local_end:%H:%M}",
    }
