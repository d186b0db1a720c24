"""Every write of the lending centre: borrowers, reservations, checkout, return.

Promises of units (reservations, loans) are checked and written with the item types'
rows locked (SELECT … FOR UPDATE, under PostgreSQL's READ COMMITTED, so that the check
reads what the previous holder committed); on SQLite the IMMEDIATE transaction
serialises writers. A unit can be out only once: a partial unique index on open loan
lines holds that in the database too.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.guidelines import booking_accept_guidelines
from booking.timeutil import OSLO
from config.errors import ConflictError, EmailUnverified
from lending.availability import free_by_day
from lending.models import Borrower, ItemType, LoanLine, Reservation

BOOKING_HORIZON_DAYS = 365


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(OSLO).date()


def is_staff(user) -> bool:
    """Lending-centre staff at the counter (officers and superusers too)."""
    return roles.is_counter_staff(user) or roles.is_officer(user)


def require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied("only lending-centre staff")


class UnitsTaken(ConflictError):
    """Not enough free units on some days (HTTP 409 with the days)."""

    def __init__(self, item_type: ItemType, short: dict[dt.date, int]):
        super().__init__(
            _("Not enough free units of %(type)s on %(days)s.")
            % {"type": item_type, "days": ", ".join(d.strftime("%d.%m.%Y") for d in short)},
            [{"item_type": item_type.pk, "date": d.isoformat(), "free": max(free, 0)}
             for d, free in short.items()],
        )  # fmt: skip


def lock_item_types(ids) -> None:
    """Writers of promises of these types take turns until their transaction ends."""
    list(ItemType.objects.select_for_update().filter(pk__in=sorted(set(ids))).values_list("pk"))


# ---------------------------------------------------------------- borrowers


PHONE_MARKS = frozenset(" +-().")


def normalise_phone(phone: str) -> str:
    """A phone number as E.164 (+4791234567): spaces, dashes and brackets gone, 00 read as
    +, and a number without a country code read as Norwegian (+47). Empty stays empty."""
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    if not digits:
        return ""
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if len(digits) == 10 and digits.startswith("47"):
        return f"+{digits}"
    return f"+47{digits}"


def borrower_register(
    *,
    by,
    name: str,
    phone: str = "",
    email: str = "",
    language: str = "nb",
    is_minor: bool = False,
    guardian_name: str = "",
    guardian_phone: str = "",
    consent: bool,
    now: dt.datetime | None = None,
) -> Borrower:
    """Register a person at the counter: a name, a way to reach them, their consent."""
    require_staff(by)
    now = now or timezone.now()
    errors = {}
    if not name.strip():
        errors["name"] = [_("Write the borrower's name.")]
    if not (phone.strip() or email.strip()):
        errors["phone"] = [_("Give a phone number or an email address, so we can reach them.")]
    if is_minor and not guardian_name.strip():
        errors["guardian_name"] = [_("A borrower under 18 needs a guardian's name.")]
    if not consent:
        errors["consent"] = [_("The borrower must agree that we keep these details.")]
    if errors:
        raise ValidationError(errors)
    borrower = Borrower(
        name=name.strip(), phone=normalise_phone(phone), email=email.strip(), language=language,
        is_minor=is_minor, guardian_name=guardian_name.strip(),
        guardian_phone=normalise_phone(guardian_phone), consent_at=now, last_activity_at=now,
    )  # fmt: skip
    borrower.full_clean()
    borrower.save()
    return borrower


def borrower_for_user(user, *, now: dt.datetime | None = None) -> Borrower:
    """The signed-in person's own borrower record; reserving online is their consent."""
    now = now or timezone.now()
    profile = getattr(user, "profile", None)
    borrower, _created = Borrower.objects.get_or_create(
        user=user,
        defaults={
            "name": user.get_full_name() or user.username,
            "email": user.email,
            "phone": normalise_phone(profile.phone) if profile else "",
            "language": profile.language if profile else "nb",
            "consent_at": now,
            "last_activity_at": now,
        },
    )
    return borrower


def borrower_for_organisation(organisation, *, now: dt.datetime | None = None) -> Borrower:
    now = now or timezone.now()
    borrower, _created = Borrower.objects.get_or_create(
        organisation=organisation,
        defaults={
            "kind": Borrower.Kind.ORGANISATION,
            "name": organisation.name,
            "email": organisation.contact_email,
            "phone": normalise_phone(organisation.contact_phone),
            "consent_at": now,
            "last_activity_at": now,
        },
    )
    return borrower


def borrower_search(query: str, limit: int = 20) -> list[Borrower]:
    """By the start of the phone number (three digits or more, as typed: "900 11",
    "+47 900", "0047 900"), read from its index; otherwise by part of the name.
    Anonymised borrowers are gone."""
    query = query.strip()
    if not query:
        return []
    found = Borrower.objects.filter(anonymised_at__isnull=True)
    digits = sum(ch.isascii() and ch.isdigit() for ch in query)
    if digits >= 3 and all((ch.isascii() and ch.isdigit()) or ch in PHONE_MARKS for ch in query):
        found = found.filter(phone__startswith=normalise_phone(query))
    else:
        found = found.filter(name__icontains=query)
    return list(found.order_by("name", "id")[:limit])


# ---------------------------------------------------------------- reservations


def _check_period(item_type: ItemType, start: dt.date, end: dt.date, today: dt.date) -> None:
    if start < today:
        raise _fail("start", _("The pick-up date has passed."))
    if start > today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise _fail("start", _("Reservations open one year ahead."))
    if end < start:
        raise _fail("end", _("The return date must be on or after the pick-up date."))
    if (end - start).days > item_type.max_loan_days:  # as a loan: due at most max days on
        raise _fail(
            "end",
            _("%(type)s can be borrowed for at most %(days)d days.")
            % {"type": item_type, "days": item_type.max_loan_days},
        )


def _short_days(item_type, start, end, needed, today, ignore=()) -> dict[dt.date, int]:
    last = end + dt.timedelta(days=item_type.turnaround_days)
    free = free_by_day([item_type], start, last, today=today, ignore_reservations=ignore)
    return {day: n for day, n in free[item_type.pk].items() if n < needed}


def _held_by(borrower: Borrower, item_type: ItemType, start: dt.date, end: dt.date) -> int:
    """Units of the type the borrower has out now or reserved over the period."""
    reserved = sum(
        Reservation.objects.filter(
            borrower=borrower, item_type=item_type, status=Reservation.Status.ACTIVE,
            start__lte=end, end__gte=start,
        ).values_list("quantity", flat=True)
    )  # fmt: skip
    out = LoanLine.objects.filter(
        loan__borrower=borrower, item_type=item_type, returned_at__isnull=True
    ).count()
    return reserved + out


def booking_days(booking) -> dict[str, dt.date]:
    """The local days a room booking covers (one that ends at midnight ends the day before)."""
    last = booking.end - dt.timedelta(microseconds=1)
    return {"start": booking.start.astimezone(OSLO).date(), "end": last.astimezone(OSLO).date()}


def release_for_bookings(booking_ids) -> int:
    """A room booking cancelled, rejected or moved to another day gives back its equipment."""
    return Reservation.objects.filter(
        booking_id__in=list(booking_ids), status=Reservation.Status.ACTIVE
    ).update(status=Reservation.Status.CANCELLED)


def _check_may_reserve(by, borrower: Borrower, booking) -> None:
    if booking is not None and not booking.is_active:
        raise _fail("booking", _("This booking is no longer active."))
    if by is None or not by.is_authenticated:
        raise PermissionDenied("sign in to reserve")
    if is_staff(by):
        return
    if not (
        borrower.user_id == by.pk
        or (
            borrower.organisation_id is not None
            and borrower.organisation_id in roles.organisation_ids(by)
        )
    ):
        raise PermissionDenied("only staff reserve for someone else")
    if booking is None:
        return
    if not roles.can_manage_booking(by, booking):
        raise PermissionDenied("not your booking")
    booker_is_borrower = (
        borrower.organisation_id == booking.organisation_id
        if booking.organisation_id is not None
        else borrower.user_id == booking.booked_by_id
    )
    if not booker_is_borrower:
        raise PermissionDenied("the booking is not the borrower's")


def reservation_create(
    *,
    by,
    borrower: Borrower,
    item_type: ItemType,
    quantity: int,
    start: dt.date,
    end: dt.date,
    booking=None,
    accept_guidelines: bool = False,
    now: dt.datetime | None = None,
) -> Reservation:
    """Promise units for a period, or raise UnitsTaken naming the days that are full.

    Equipment for a room booking comes under the guidelines the booking accepted; a
    booking made before its site had guidelines needs ``accept_guidelines`` now (else a
    ValidationError on it), and then records the version.

    Staff reserve for anyone. Anyone else reserves only for themself or for an
    organisation they belong to, and ties it only to an active room booking they may
    manage whose booker is that borrower (PermissionDenied otherwise).
    """
    _check_may_reserve(by, borrower, booking)
    if not roles.email_verified(by):
        raise EmailUnverified()
    today = local_today(now)
    if not item_type.active:
        raise _fail("item_type", _("This equipment is not in the catalogue."))
    if quantity < 1:
        raise _fail("quantity", _("Reserve at least one."))
    _check_period(item_type, start, end, today)
    with transaction.atomic():
        lock_item_types([item_type.pk])
        if _held_by(borrower, item_type, start, end) + quantity > item_type.max_per_borrower:
            raise _fail(
                "quantity",
                _("One borrower may have at most %(n)d of %(type)s at a time.")
                % {"n": item_type.max_per_borrower, "type": item_type},
            )
        short = _short_days(item_type, start, end, quantity, today)
        if short:
            raise UnitsTaken(item_type, short)
        if booking is not None:
            booking_accept_guidelines(booking=booking, accept_guidelines=accept_guidelines)
        reservation = Reservation.objects.create(
            borrower=borrower, item_type=item_type, quantity=quantity, start=start, end=end,
            booking=booking, created_by=by,
        )  # fmt: skip
        Borrower.objects.filter(pk=borrower.pk).update(last_activity_at=timezone.now())
    return reservation


def can_change_reservation(user, reservation: Reservation) -> bool:
    """Staff, the borrower themself, or a member of the borrowing organisation."""
    borrower = reservation.borrower
    return is_staff(user) or (
        user.is_authenticated
        and (
            borrower.user_id == user.pk or borrower.organisation_id in roles.organisation_ids(user)
        )
    )


def reservation_cancel(*, reservation: Reservation, by) -> Reservation:
    """Give the units back. Only who may change it; cancelling twice changes nothing."""
    if not can_change_reservation(by, reservation):
        raise PermissionDenied("not your reservation")
    Reservation.objects.filter(pk=reservation.pk, status=Reservation.Status.ACTIVE).update(
        status=Reservation.Status.CANCELLED
    )
    reservation.refresh_from_db()
    return reservation
