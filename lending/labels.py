"""Printable Code 128 labels, drawn as SVG by python-barcode."""

import re

import barcode
from barcode.writer import SVGWriter

OPTIONS = {"module_height": 10, "module_width": 0.3, "font_size": 8, "text_distance": 3.5,
           "quiet_zone": 2.5, "compress": False}  # fmt: skip


def code128_svg(code: str) -> str:
    """The label's SVG element, to put inline in the page (no XML prologue)."""
    svg = barcode.get("code128", code, writer=SVGWriter()).render(writer_options=OPTIONS)
    text = svg.decode()
    return _presentation_attributes(text[text.index("<svg") :])


def _presentation_attributes(svg: str) -> str:
    """style="fill:black;font-size:8pt" as fill="black" font-size="8pt": the page's
    Content-Security-Policy allows no inline style, and SVG draws these the same."""

    def attributes(match: re.Match) -> str:
        pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
        return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)

    return re.sub(r'style="([^"]*)"', attributes, svg)
