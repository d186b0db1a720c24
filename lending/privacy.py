"""Borrowers' personal data: kept only while needed, and given back on request."""

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lending.models import Borrower, LoanLine, Reservation
from lending.services import local_today

ANONYMOUS_NAME = "Anonymisert låner"
_ANONYMOUS = {"name": ANONYMOUS_NAME, "phone": "", "email": "", "guardian_name": "",
              "guardian_phone": "", "user": None, "organisation": None}  # fmt: skip


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
    return Borrower.objects.filter(pk__in=ids).update(**_ANONYMOUS, anonymised_at=now)


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


def borrower_obstacles(user) -> list[str]:
    """Why the borrower record of ``user`` cannot be forgotten yet: equipment still out."""
    borrower = Borrower.objects.filter(user=user, anonymised_at__isnull=True).first()
    if (
        borrower
        and LoanLine.objects.filter(loan__borrower=borrower, returned_at__isnull=True).exists()
    ):
        return [_("You still have borrowed equipment. Return it first.")]
    return []


def borrower_forget(*, user, now: dt.datetime) -> int:
    """Anonymise the borrower record of ``user`` now, as the retention period would
    (reservations ahead are cancelled first). Returns 1 if there was one, else 0."""
    borrower = Borrower.objects.filter(user=user, anonymised_at__isnull=True).first()
    if borrower is None:
        return 0
    Reservation.objects.filter(
        borrower=borrower, status=Reservation.Status.ACTIVE, end__gte=local_today(now)
    ).update(status=Reservation.Status.CANCELLED)
    LoanLine.objects.filter(loan__borrower=borrower).exclude(note="").update(note="")
    return Borrower.objects.filter(pk=borrower.pk).update(**_ANONYMOUS, anonymised_at=now)
