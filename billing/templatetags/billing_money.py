from django import template

from billing.exports import kroner

register = template.Library()


@register.filter
def kr(ore) -> str:
    """Whole øre as kroner: 150000 → "1500,00 kr" (exact; a missing amount is "–")."""
    if ore is None or ore == "":
        return "–"
    return f"{kroner(int(ore))} kr"
