"""Printable Code 128 labels, drawn as SVG by python-barcode."""

import barcode
from barcode.writer import SVGWriter

OPTIONS = {"module_height": 10, "module_width": 0.3, "font_size": 8, "text_distance": 3.5,
           "quiet_zone": 2.5, "compress": False}  # fmt: skip


def code128_svg(code: str) -> str:
    """The label's SVG element, to put inline in the page (no XML prologue)."""
    svg = barcode.get("code128", code, writer=SVGWriter()).render(writer_options=OPTIONS)
    text = svg.decode()
    return text[text.index("<svg") :]
