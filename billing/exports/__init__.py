"""The files an exported invoice batch is handed to the accounting system as: a CSV for
spreadsheets and UBW's (Agresso's) batch input of sales orders. Only an exported batch is
written: a draft may still be discarded after someone loaded its file, and its bookings
would then be invoiced twice.

Amounts are integer øre throughout; kroner are written from them with integer arithmetic.
"""

from django.conf import settings

from billing.models import InvoiceBatch

FORMATS = ("csv", "ubw")


class NotExported(ValueError):
    """A draft batch has no file."""


class UnknownFormat(ValueError):
    """Neither csv nor ubw."""


def kroner(ore: int, decimal: str = ",") -> str:
    """Whole øre as kroner with two decimals, exact: -150000 → "-1500,00"."""
    sign = "-" if ore < 0 else ""
    whole, cents = divmod(abs(ore), 100)
    return f"{sign}{whole}{decimal}{cents:02d}"


def formats() -> list[str]:
    """Both formats, the accounting system's own (LOKALE_INVOICE_FORMAT) first."""
    return sorted(FORMATS, key=lambda fmt: fmt != settings.INVOICE_FORMAT)


def render(batch: InvoiceBatch, fmt: str) -> tuple[str, bytes, str]:
    """The file of an exported batch: (file name, content, content type)."""
    from billing.exports import csv, ubw

    writers = {"csv": csv, "ubw": ubw}
    if fmt not in writers:
        raise UnknownFormat(fmt)
    if batch.status != InvoiceBatch.Status.EXPORTED:
        raise NotExported(batch.pk)
    writer = writers[fmt]
    return writer.filename(batch), writer.render(batch), writer.CONTENT_TYPE


def download(batch: InvoiceBatch, fmt: str):
    """The file as a download, for the officer's page and the API alike; a draft or an
    unknown format is a 404."""
    from django.http import Http404, HttpResponse

    try:
        name, content, content_type = render(batch, fmt)
    except (NotExported, UnknownFormat) as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
