"""What the lending centre tells borrowers; notifications/ decides how and when it goes out."""

import datetime as dt

from django.conf import settings

from booking.timeutil import OSLO, wall_time
from lending.models import Loan, LoanLine
from notifications.models import Message
from notifications.services import enqueue


def _context(loan: Loan, lines=None) -> dict:
    lines = lines if lines is not None else loan.lines.select_related("item__item_type")
    return {
        "loan": loan.pk,
        "centre": loan.centre.name,
        "address": loan.centre.address,
        "due": loan.due.isoformat(),
        "items": [{"barcode": ln.item.barcode, "name": str(ln.item.item_type)} for ln in lines],
    }


def _send(loan: Loan, template: str, key: str, lines=None, sms: bool = False) -> int:
    borrower = loan.borrower
    context = _context(loan, lines)
    written = enqueue(
        channel=Message.Channel.EMAIL, recipient=borrower.email, template=template,
        context=context, key=key, language=borrower.language,
    )  # fmt: skip
    if sms:
        written += enqueue(
            channel=Message.Channel.SMS, recipient=borrower.phone, template=template,
            context=context, key=f"{key}:sms", language=borrower.language,
        )  # fmt: skip
    return written


def loan_receipt(loan: Loan) -> None:
    """The receipt at checkout: what, until when. Written in the checkout's transaction."""
    _send(loan, "loan_receipt", f"loan:receipt:{loan.pk}")


def send_due_reminders(*, now: dt.datetime) -> int:
    """The day before the due date and the first day after it (each from REMINDER_TIME),
    once each."""
    today = now.astimezone(OSLO).date()
    written = 0
    open_lines = LoanLine.objects.filter(returned_at__isnull=True).select_related(
        "loan__borrower", "loan__centre", "item__item_type"
    )
    by_loan: dict[int, list[LoanLine]] = {}
    for line in open_lines.filter(loan__due__lte=today + dt.timedelta(days=1)).order_by("id"):
        by_loan.setdefault(line.loan_id, []).append(line)
    for lines in by_loan.values():
        loan = lines[0].loan
        if loan.due == today + dt.timedelta(days=1):
            if now >= wall_time(today, settings.REMINDER_TIME):
                written += _send(loan, "loan_due", f"loan:due:{loan.pk}:{loan.due}", lines, True)
        elif loan.due < today and now >= wall_time(today, settings.REMINDER_TIME):
            written += _send(
                loan, "loan_overdue", f"loan:overdue:{loan.pk}:{loan.due}", lines, True
            )
    return written
