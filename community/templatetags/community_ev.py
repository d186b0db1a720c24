"""Text an organisation wrote, shown safely: escaped, with http(s) addresses as links."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Only http and https: anything else (javascript:, data:, mailto:) stays plain text.
_URL = re.compile(r"(https?://[^\s<>\"']+)", re.IGNORECASE)
_TRAILING = ".,;:!?)]»"


@register.filter
def http_links(value) -> str:
    """The text escaped, line breaks kept, and http(s) addresses made links."""
    out = []
    for i, part in enumerate(_URL.split(str(value or "").replace("\r\n", "\n"))):
        if i % 2 == 0:
            out.append(escape(part))
            continue
        url = part.rstrip(_TRAILING)
        out.append(format_html('<a href="{}" rel="nofollow noopener">{}</a>{}', url, url,
                               part[len(url):]))  # fmt: skip
    # Everything in ``out`` is escaped above; only <a> and <br> are ours.
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308
