"""People's personal data in bookings: given back on request, forgotten when they leave,
and detached from old bookings after the retention period. The bookings themselves stay
(with their times, rooms, organisations and prices), so the support report stays true."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import Booking, BookingReport, BookingSeries, Membership, Organisation

# The booker of bookings past the retention period. Its username has a character that
# usernames may not have, so nobody can sign up as it.
ANONYMOUS_BOOKER = "lokale:anonymised"
DELETED_NAME = "Slettet bruker"
ERASED = "–"


def anonymous_booker():
    """The placeholder person that old bookings are booked by: inactive, no password."""
    user, created = get_user_model().objects.get_or_create(
        username=ANONYMOUS_BOOKER, defaults={"first_name": DELETED_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def booking_data(user) -> dict:
    """What the booking side keeps about ``user``, for a request under GDPR article 15."""
    profile = getattr(user, "profile", None)
    bookings = Booking.objects.filter(booked_by=user).select_related("room__site", "organisation")
    return {
        "profile": {
            "username": user.get_username(), "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email,
            "phone": profile.phone if profile else "",
            "language": profile.language if profile else "",
            "date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
        },
        "memberships": [
            {"organisation": m.organisation.name, "org_number": m.organisation.org_number,
             "role": m.role}
            for m in user.memberships.select_related("organisation").order_by("organisation__name")
        ],
        "caretaker_of": [site.name for site in user.caretaker_sites.order_by("name")],
        "bookings": [
            {"id": b.pk, "site": b.room.site.name, "room": b.room.name,
             "organisation": b.organisation.name if b.organisation else None,
             "start": _iso(b.start), "end": _iso(b.end), "title": b.title,
             "attendees": b.attendees, "notes": b.notes, "status": b.status,
             "price": str(b.price), "decision_note": b.decision_note,
             "cancel_reason": b.cancel_reason, "created_at": _iso(b.created_at)}
            for b in bookings.order_by("start")
        ],
        "weekly_series": [
            {"id": s.pk, "title": s.title, "weekdays": s.weekdays, "first_date": _iso(s.first_date),
             "until": _iso(s.until), "start_time": _iso(s.start_time), "end_time": _iso(s.end_time)}
            for s in BookingSeries.objects.filter(booked_by=user).order_by("first_date")
        ],
    }  # fmt: skip


def deletion_obstacles(user, *, now: dt.datetime) -> list[str]:
    """Why ``user`` cannot leave yet: upcoming bookings in their own name, or the last
    administrator of an organisation that has other members (the organisation always has
    an administrator). Empty when nothing stands in the way."""
    reasons = []
    upcoming = Booking.objects.filter(
        booked_by=user, organisation=None, status__in=Booking.ACTIVE_STATUSES, end__gt=now
    )
    if upcoming.exists():
        reasons.append(
            _("You have upcoming bookings as a private person. Cancel them first (My bookings).")
        )
    for organisation in _left_without_admin(user):
        reasons.append(
            _("You are the only administrator of %(name)s. Make another member administrator "
              "first, or remove the other members.") % {"name": organisation.name}
        )  # fmt: skip
    return reasons


def _left_without_admin(user) -> list[Organisation]:
    mine = Membership.objects.filter(user=user, role=Membership.Role.ADMIN)
    return list(
        Organisation.objects.filter(pk__in=mine.values("organisation_id"))
        .annotate(
            admins=Count("memberships", filter=Q(memberships__role=Membership.Role.ADMIN)),
            others=Count("memberships", filter=~Q(memberships__user=user)),
        )
        .filter(admins=1, others__gt=0)
        .order_by("name")
    )


def _scrub(queryset, fields: list[str], words: list[str]) -> None:
    for word in words:
        queryset.update(**{f: Replace(f, Value(word), Value(ERASED)) for f in fields})


def person_words(user) -> list[str]:
    """The strings that name or reach ``user``: full name, email, phone, username."""
    profile = getattr(user, "profile", None)
    words = [user.get_full_name(), user.email, profile.phone if profile else "",
             user.get_username()]  # fmt: skip
    # Short words (a first name alone, a three-letter username) would cut up other text.
    return sorted({w.strip() for w in words if len(w.strip()) >= 5}, key=len, reverse=True)


@transaction.atomic
def person_forget(*, user, now: dt.datetime) -> None:
    """The booking side of deleting an account: the person leaves their organisations,
    their roles and their notes; their name, email and phone are cut out of their
    bookings' texts and their user row becomes an inactive "deleted user" that stays
    the booker of their bookings (which keep everything the statistics count).

    Raises ValidationError when deletion_obstacles has reasons; nothing is changed then.
    """
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    list(Organisation.objects.select_for_update().filter(pk__in=organisations).order_by("pk"))
    reasons = deletion_obstacles(user, now=now)
    if reasons:
        raise ValidationError(reasons)
    words = person_words(user)
    mine = Booking.objects.filter(booked_by=user)
    mine.filter(end__lte=now).update(notes="")
    _scrub(mine, ["title", "notes", "decision_note", "cancel_reason"], words)
    _scrub(BookingSeries.objects.filter(booked_by=user), ["title"], words)
    _scrub(BookingReport.objects.filter(booking__booked_by=user), ["note"], words)
    # Where they were their organisation's contact, the organisation has none until it
    # gives another.
    profile = getattr(user, "profile", None)
    theirs = Organisation.objects.filter(pk__in=organisations)
    if user.email:
        theirs.filter(contact_email__iexact=user.email).update(contact_email="")
    if profile and profile.phone:
        theirs.filter(contact_phone=profile.phone).update(contact_phone="")
    Membership.objects.filter(user=user).delete()
    user.caretaker_sites.clear()
    user.groups.clear()
    user.user_permissions.clear()
    if profile:
        type(profile).objects.filter(pk=profile.pk).update(phone="")
    user.username = f"lokale:deleted-{user.pk}"
    user.first_name, user.last_name, user.email = DELETED_NAME, "", ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "is_active",
                             "is_staff", "is_superuser", "password"])  # fmt: skip


def bookings_anonymise(*, now: dt.datetime | None = None) -> int:
    """Bookings that ended more than BOOKING_RETENTION_DAYS ago lose who booked them
    (the anonymous booker takes their place) and their free texts; weekly series that
    ended then lose their booker too. Returns how many bookings were anonymised."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.BOOKING_RETENTION_DAYS)
    old = Booking.objects.filter(end__lt=cutoff).exclude(booked_by__username=ANONYMOUS_BOOKER)
    ended = BookingSeries.objects.filter(until__lt=timezone.localdate(cutoff)).exclude(
        booked_by__username=ANONYMOUS_BOOKER
    )
    if not (old.exists() or ended.exists()):
        return 0
    with transaction.atomic():
        anonymous = anonymous_booker()
        ids = list(old.values_list("pk", flat=True))
        BookingReport.objects.filter(booking_id__in=ids).exclude(note="").update(note="")
        ended.update(booked_by=anonymous)
        return Booking.objects.filter(pk__in=ids).update(
            booked_by=anonymous, notes="", decision_note="", cancel_reason=""
        )
