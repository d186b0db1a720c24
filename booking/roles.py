"""Who may do what: the one place that answers it for API, web and admin."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Value

OFFICER_GROUP = "officer"
COUNTER_GROUP = "counter"

User = AbstractBaseUser | AnonymousUser


# Not a group: marks, in the one query that reads a person's groups, that they are a
# caretaker of some site (the menu asks both on every page).
CARETAKER_MARK = " caretaker of a site"  # group names are trimmed, so none starts with a space


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_lokale_groups", None)
    if cached is None:
        caretaking = user.caretaker_sites.through.objects.filter(user_id=user.pk).values_list(
            Value(CARETAKER_MARK, output_field=CharField())
        )
        cached = set(user.groups.values_list("name", flat=True).union(caretaking))
        user._lokale_groups = cached
    return cached


def is_caretaker_somewhere(user) -> bool:
    """A caretaker of at least one site (read with the groups, no query of its own)."""
    return CARETAKER_MARK in _groups(user)


def is_officer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or OFFICER_GROUP in _groups(user))


def is_counter_staff(user) -> bool:
    return user.is_authenticated and COUNTER_GROUP in _groups(user)


def organisation_ids(user) -> set[int]:
    """The organisations the user is a member of (any role)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_lokale_org_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("organisation_id", flat=True))
        user._lokale_org_ids = cached
    return cached


def forget_memberships(user) -> None:
    """After a change to a person's memberships: read them again when next asked (the
    request's user keeps them, read with the token or on first use)."""
    if user is not None:
        user.__dict__.pop("_lokale_org_ids", None)


def admin_organisation_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.filter(role="admin").values_list("organisation_id", flat=True))


def can_manage_booking(user, booking) -> bool:
    """Change or cancel: officers, members of the booking's organisation, a private booker."""
    if is_officer(user):
        return True
    if booking.organisation_id is None:
        return booking.booked_by_id == user.pk
    return booking.organisation_id in organisation_ids(user)


def can_see_booking_details(user, booking) -> bool:
    """Title, contact and notes of a booking that is not public."""
    return user.is_authenticated and can_manage_booking(user, booking)


def can_renew_calendar_link(user, owner) -> bool:
    """Make a new secret feed link: an organisation's by its administrators, a site's by its
    caretakers, any by officers."""
    if user is None or not user.is_authenticated:
        return False
    if is_officer(user):
        return True
    if owner._meta.model_name == "organisation":
        return owner.pk in admin_organisation_ids(user)
    return owner.caretakers.filter(pk=user.pk).exists()


def email_verified(user) -> bool:
    """Whether the person may book and reserve: they confirmed an email address, or they
    have none recorded by allauth at all (an account made by staff, who vouch for it;
    signing up oneself always records the address, and allauth never removes the last)."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "_lokale_email_verified", False):
        return True
    from allauth.account.models import EmailAddress

    states = set(EmailAddress.objects.filter(user=user).values_list("verified", flat=True))
    verified = not states or True in states
    if verified:
        user._lokale_email_verified = True
    return verified
