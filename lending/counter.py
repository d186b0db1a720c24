"""At the counter: scan units into a loan, check it out, take units back.

Each scan is answered at once from the same rules the checkout applies with the item
types locked: unknown code, scanned twice, retired, in repair, already out, over the
per-borrower maximum, or promised to someone else on a day of the loan.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import ConflictError
from lending import notify
from lending.availability import free_by_day
from lending.models import Borrower, Item, ItemType, Loan, LoanLine, Reservation
from lending.services import _fail, local_today, lock_item_types, require_staff

MAX_BASKET = 50
MAX_LOAN_DAYS = 365


@dataclass
class Scan:
    barcode: str
    ok: bool
    reason: str = ""  # unknown, duplicate, retired, in_repair, out, over_max, reserved; full, due
    message: str = ""
    item: Item | None = None


REASONS = {
    "unknown": lambda item: _("No unit has this barcode."),
    "duplicate": lambda item: _("Already scanned into this loan."),
    "retired": lambda item: _("%(item)s is retired and may not be lent.") % {"item": item},
    "in_repair": lambda item: _("%(item)s is in repair.") % {"item": item},
    "out": lambda item: _("%(item)s is already out on loan to someone else.") % {"item": item},
    "over_max": lambda item: (
        _("The borrower may have at most %(n)d of %(type)s at a time.")
        % {"n": item.item_type.max_per_borrower, "type": item.item_type}
    ),
    "reserved": lambda item: (
        _("%(type)s is reserved for someone else on a day of this loan.") % {"type": item.item_type}
    ),
}


def _refuse(barcode: str, reason: str, item: Item | None) -> Scan:
    return Scan(barcode, False, reason, REASONS[reason](item), item)


def default_due(types: list[ItemType], today: dt.date) -> dt.date:
    return today + dt.timedelta(days=min((t.default_loan_days for t in types), default=7))


def _own_reservations(borrower: Borrower, type_ids, today: dt.date):
    """The borrower's reservations that are being picked up: started, not yet over."""
    return list(
        Reservation.objects.filter(
            borrower=borrower, item_type__in=type_ids, status=Reservation.Status.ACTIVE,
            start__lte=today, end__gte=today,
        ).order_by("start", "id")
    )  # fmt: skip


def plan_loan(
    *, borrower: Borrower, barcodes: list[str], due: dt.date | None, today: dt.date
) -> tuple[list[Scan], dt.date]:
    """The verdict on each scanned code, in order, and the due date the loan would get."""
    codes = [code.strip() for code in barcodes]
    items = {
        i.barcode: i
        for i in Item.objects.select_related("item_type").filter(barcode__in=set(codes))
    }
    out = set(
        LoanLine.objects.filter(item__in=items.values(), returned_at__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    types = {i.item_type_id: i.item_type for i in items.values()}
    due = due or default_due(list(types.values()), today)
    if due < today or (due - today).days > MAX_LOAN_DAYS:
        raise _fail("due", _("Give a due date within a year from today."))
    held = Counter(
        LoanLine.objects.filter(
            loan__borrower=borrower, item_type__in=types, returned_at__isnull=True
        ).values_list("item_type", flat=True)
    )
    own = _own_reservations(borrower, types, today)
    longest_turnaround = max((t.turnaround_days for t in types.values()), default=0)
    free = free_by_day(
        types.values(), today, due + dt.timedelta(days=longest_turnaround), today=today,
        ignore_reservations=[r.pk for r in own],
    )  # fmt: skip

    def fits(item: Item, units: int) -> bool:
        last = due + dt.timedelta(days=item.item_type.turnaround_days)
        return all(n >= units for day, n in free[item.item_type_id].items() if day <= last)

    taking = Counter()
    scans, seen = [], set()
    for code in codes:
        item = items.get(code)
        if item is None:
            scans.append(_refuse(code, "unknown", None))
            continue
        if code in seen:
            scans.append(_refuse(code, "duplicate", item))
            continue
        seen.add(code)
        if item.status == Item.Status.RETIRED:
            scans.append(_refuse(code, "retired", item))
        elif item.status == Item.Status.IN_REPAIR:
            scans.append(_refuse(code, "in_repair", item))
        elif item.pk in out:
            scans.append(_refuse(code, "out", item))
        elif held[item.item_type_id] + 1 > item.item_type.max_per_borrower:
            scans.append(_refuse(code, "over_max", item))
        elif not fits(item, taking[item.item_type_id] + 1):
            scans.append(_refuse(code, "reserved", item))
        else:
            held[item.item_type_id] += 1
            taking[item.item_type_id] += 1
            scans.append(Scan(code, True, item=item))
    return scans, due


def basket_add(*, borrower: Borrower, codes: list[str], code: str, today: dt.date) -> Scan:
    """The verdict on one more scanned code for a basket already holding ``codes``.

    Only a code this returns as ok may join the basket: a refused code is answered and
    left out, so it is never submitted for checkout.
    """
    code = code.strip()
    if len(codes) >= MAX_BASKET:
        return Scan(code, False, "full", _("At most %(n)d units in one loan.") % {"n": MAX_BASKET})
    try:
        scans, _due = plan_loan(borrower=borrower, barcodes=[*codes, code], due=None, today=today)
    except ValidationError as error:
        return Scan(code, False, "due", " ".join(error.messages))
    return scans[-1]


def _check_due(types: list[ItemType], due: dt.date, today: dt.date) -> None:
    if due < today:
        raise _fail("due", _("The due date has passed."))
    longest = min((t.max_loan_days for t in types), default=MAX_LOAN_DAYS)
    if (due - today).days > longest:
        raise _fail(
            "due", _("These units can be lent for at most %(days)d days.") % {"days": longest}
        )


def loan_create(
    *, by, borrower: Borrower, barcodes: list[str], due: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Loan:  # fmt: skip
    """Check out the scanned units, or lend nothing and say why for each code refused."""
    require_staff(by)
    now = now or timezone.now()
    today = local_today(now)
    if not barcodes:
        raise _fail("barcodes", _("Scan at least one unit."))
    if len(barcodes) > MAX_BASKET:
        raise _fail("barcodes", _("At most %(n)d units in one loan.") % {"n": MAX_BASKET})
    if borrower.anonymised_at is not None:
        raise _fail("borrower", _("This borrower has been anonymised; register them again."))
    with transaction.atomic():
        lock_item_types(
            Item.objects.filter(barcode__in=barcodes).values_list("item_type", flat=True)
        )
        scans, due = plan_loan(borrower=borrower, barcodes=barcodes, due=due, today=today)
        unknown = [s.barcode for s in scans if s.reason == "unknown"]
        if unknown:
            raise _fail(
                "barcodes", _("Unknown barcodes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        refused = [s for s in scans if not s.ok]
        if refused:
            raise ConflictError(
                _("Some units cannot be lent."),
                [{"barcode": s.barcode, "reason": s.reason, "message": s.message} for s in refused],
            )
        items = [s.item for s in scans]
        types = {i.item_type_id: i.item_type for i in items}
        _check_due(list(types.values()), due, today)
        own = _own_reservations(borrower, types, today)
        loan = Loan.objects.create(
            borrower=borrower, centre_id=items[0].item_type.centre_id, lent_by=by, lent_at=now,
            due=due, reservation=own[0] if own else None,
        )  # fmt: skip
        try:
            with transaction.atomic():
                LoanLine.objects.bulk_create(
                    LoanLine(loan=loan, item=i, item_type_id=i.item_type_id) for i in items
                )
        except IntegrityError as error:  # another counter lent one of them a moment ago
            raise ConflictError(_("A unit was lent to someone else just now."), []) from error
        _collect(own, Counter(i.item_type_id for i in items))
        Borrower.objects.filter(pk=borrower.pk).update(last_activity_at=now)
        notify.loan_receipt(loan)
    return loan


def _collect(own: list[Reservation], taken: Counter) -> None:
    """The units taken now fulfil the borrower's reservations, oldest first; a reservation
    picked up in part keeps the rest of its units promised."""
    for reservation in own:
        units = min(taken[reservation.item_type_id], reservation.quantity)
        if not units:
            continue
        taken[reservation.item_type_id] -= units
        if units == reservation.quantity:
            reservation.status = Reservation.Status.COLLECTED
        else:
            reservation.quantity -= units
        reservation.save(update_fields=["status", "quantity"])


def loan_return(
    *, by, barcode: str, condition: str, note: str = "", now: dt.datetime | None = None
) -> LoanLine:
    """Take a unit back. Damaged goes to repair, missing is retired."""
    require_staff(by)
    now = now or timezone.now()
    if condition not in LoanLine.Condition.values:
        raise _fail("condition", _("Choose fine, damaged or missing."))
    item = Item.objects.select_related("item_type").filter(barcode=barcode.strip()).first()
    if item is None:
        raise _fail("barcode", _("No unit has this barcode."))
    with transaction.atomic():
        line = (
            LoanLine.objects.select_for_update()
            .select_related("loan__borrower")
            .filter(item=item, returned_at__isnull=True)
            .first()
        )
        if line is None:
            raise ConflictError(
                _("%(item)s is not out on loan, so it cannot be returned.") % {"item": item},
                [{"barcode": item.barcode, "reason": "not_out"}],
            )
        line.returned_at, line.condition, line.note, line.received_by = now, condition, note, by
        line.full_clean(exclude=["loan", "item", "item_type", "received_by"])
        line.save(update_fields=["returned_at", "condition", "note", "received_by"])
        status = {
            LoanLine.Condition.DAMAGED: Item.Status.IN_REPAIR,
            LoanLine.Condition.MISSING: Item.Status.RETIRED,
        }.get(condition)
        if status:
            Item.objects.filter(pk=item.pk).update(status=status, note=note[:500])
        Borrower.objects.filter(pk=line.loan.borrower_id).update(last_activity_at=now)
    return line
