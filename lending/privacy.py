"""Borrowers' personal data: kept only while needed, and given back on request."""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lending.models import Borrower, LoanLine, Reservation
from lending.services import local_today

ANONYMOUS_NAME = "Anonymisert låner"


def borrowers_to_anonymise(now: dt.datetime):
    """No activity for the retention period, nothing out, nothing reserved ahead."""
    cutoff = now - dt.timedelta(days=settings.LENDING_RETENTION_DAYS)
    out = LoanLine.objects.filter(loan__borrower=OuterRef("pk"), returned_at__isnull=True)
    ahead = Reservation.objects.filter(
        borrower=OuterRef("pk"), status=Reservation.Status.ACTIVE, end__gte=local_today(now)
    )
    return Borrower.objects.filter(anonymised_at__isnull=True, last_activity_at__lt=cutoff).exclude(
        Exists(out) | Exists(ahead)
    )


def borrowers_anonymise(*, now: dt.datetime | None = None) -> int:
    """Remove names, phones, emails and the notes on their loans; the loans stay, so the
    statistics stay true."""
    now = now or timezone.now()
    ids = list(borrowers_to_anonymise(now).values_list("pk", flat=True))
    LoanLine.objects.filter(loan__borrower_id__in=ids).exclude(note="").update(note="")
    return Borrower.objects.filter(pk__in=ids).update(
        name=ANONYMOUS_NAME, phone="", email="", guardian_name="", guardian_phone="",
        user=None, organisation=None, anonymised_at=now,
    )  # fmt: skip


def borrower_export(borrower: Borrower) -> dict:
    """Everything Lokale keeps about one borrower, for a request under GDPR article 15."""
    loans = borrower.loans.select_related("centre").prefetch_related("lines__item__item_type")
    return {
        "borrower": {
            "id": borrower.pk, "kind": borrower.kind, "name": borrower.name,
            "phone": borrower.phone, "email": borrower.email, "language": borrower.language,
            "is_minor": borrower.is_minor, "guardian_name": borrower.guardian_name,
            "guardian_phone": borrower.guardian_phone,
            "consent_at": borrower.consent_at.isoformat(),
            "last_activity_at": borrower.last_activity_at.isoformat(),
            "anonymised_at": borrower.anonymised_at.isoformat() if borrower.anonymised_at else None,
        },
        "reservations": [
            {"item_type": str(r.item_type), "quantity": r.quantity, "start": r.start.isoformat(),
             "end": r.end.isoformat(), "status": r.status}
            for r in borrower.reservations.select_related("item_type")
        ],
        "loans": [
            {"centre": loan.centre.name, "lent_at": loan.lent_at.isoformat(),
             "due": loan.due.isoformat(),
             "items": [{"barcode": ln.item.barcode, "item_type": str(ln.item.item_type),
                        "returned_at": ln.returned_at.isoformat() if ln.returned_at else None,
                        "condition": ln.condition, "note": ln.note} for ln in loan.lines.all()]}
            for loan in loans
        ],
    }  # fmt: skip
