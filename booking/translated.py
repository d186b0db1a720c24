"""Text that staff type in each language (``<name>_nb``, ``_nn``, ``_en`` fields)."""

from django.utils.translation import get_language

LANGUAGES = ("nb", "nn", "en")


def in_language(obj, name: str, language: str | None = None) -> str:
    """``obj.<name>_<language>`` for the active language, else the bokmål text."""
    language = (language or get_language() or "nb").split("-")[0]
    if language in LANGUAGES:
        text = getattr(obj, f"{name}_{language}", "")
        if text:
            return text
    return getattr(obj, f"{name}_nb", "")
