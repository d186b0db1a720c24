"""Writes to organisations and their members (every path: API, web, admin, seed)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Membership, Organisation


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def organisation_create(*, by, **fields) -> Organisation:
    """Register an organisation; the person who registers it becomes its administrator."""
    fields.pop("voluntary_verified", None)
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=by, organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


def organisation_verify(*, organisation: Organisation, by) -> Organisation:
    """A booking officer confirms the organisation is voluntary; its next quotes are free
    where the rules say so (bookings already made keep their price)."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers verify organisations")
    Organisation.objects.filter(pk=organisation.pk).update(voluntary_verified=True)
    organisation.refresh_from_db()
    return organisation


def membership_add(*, organisation: Organisation, user, role: str, by) -> Membership:
    if not (roles.is_officer(by) or organisation.pk in roles.admin_organisation_ids(by)):
        raise PermissionDenied("only the organisation's administrators add members")
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise _fail("username", _("This person is already a member."))
    try:
        with transaction.atomic():
            return Membership.objects.create(organisation=organisation, user=user, role=role)
    except IntegrityError:
        raise _fail("username", _("This person is already a member.")) from None
