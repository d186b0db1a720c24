"""Writes to organisations and their members (every path: API, web, admin, seed)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Membership, Organisation

# Only organisation_verify sets these.
UNVERIFIED_FIELDS = ("voluntary_verified", "verified_category", "verified_at", "verified_by")


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def organisation_create(*, by, join: bool = True, **fields) -> Organisation:
    """Register an organisation. Its category is a claim until an officer verifies it.

    The person who registers it becomes its administrator (``join=False``: an officer
    registering it in the admin does not).
    """
    for unverifiable in UNVERIFIED_FIELDS:
        fields.pop(unverifiable, None)
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if join:
        Membership.objects.create(user=by, organisation=organisation, role=Membership.Role.ADMIN)
    return organisation


def _may_administer(by, organisation: Organisation) -> bool:
    return roles.is_officer(by) or organisation.pk in roles.admin_organisation_ids(by)


def organisation_update(*, organisation: Organisation, by, **fields) -> Organisation:
    """Change an organisation's details (its administrators or an officer).

    A new category is a new claim: the verification of the old one is dropped, and the
    organisation is priced as ``other`` by the rules that favour it until an officer
    verifies again.
    """
    if not _may_administer(by, organisation):
        raise PermissionDenied("only the organisation's administrators change it")
    for unverifiable in UNVERIFIED_FIELDS:
        if unverifiable in fields:
            raise _fail(unverifiable, _("Only a booking officer verifies an organisation."))
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        if "category" in changed:
            current.verified_category, current.verified_at, current.verified_by = "", None, None
            changed += ["verified_category", "verified_at", "verified_by"]
        current.full_clean()
        if changed:
            current.save(update_fields=changed)
    organisation.refresh_from_db()
    return organisation


def organisation_verify(
    *, organisation: Organisation, by, category: str | None = None
) -> Organisation:
    """A booking officer confirms the category the organisation claims; its next quotes
    get what the price rules give that category (bookings already made keep their price).

    ``category``: the claim the officer saw; if the organisation claims something else
    by now, nothing is verified (ValidationError on ``category``).
    """
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers verify organisations")
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if category is not None and category != current.category:
            raise _fail(
                "category",
                _("The organisation now claims to be: %(category)s. Check it again.")
                % {"category": current.get_category_display()},
            )
        if not current.category_verified:
            Organisation.objects.filter(pk=current.pk).update(
                verified_category=current.category, verified_at=timezone.now(), verified_by=by
            )
    organisation.refresh_from_db()
    return organisation


def membership_add(*, organisation: Organisation, user, role: str, by) -> Membership:
    """Add a person to the organisation (its administrators or an officer)."""
    if not _may_administer(by, organisation):
        raise PermissionDenied("only the organisation's administrators add members")
    if role not in Membership.Role.values:
        raise _fail("role", _("Choose administrator or member."))
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise _fail("username", _("This person is already a member."))
    try:
        with transaction.atomic():
            return Membership.objects.create(organisation=organisation, user=user, role=role)
    except IntegrityError:
        raise _fail("username", _("This person is already a member.")) from None


def lock_organisation(organisation_id: int) -> Organisation:
    """Lock the organisation's row until the transaction ends.

    Every change that can take away an administrator (leave, remove, a new role) takes
    this lock before it counts the administrators, so two such changes at once queue
    here and the second counts what the first left: never zero administrators.
    """
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _keep_an_admin(membership: Membership, *, field: str, message: str) -> None:
    """Refuse to take the last administrator away (call with the organisation locked)."""
    if membership.role != Membership.Role.ADMIN:
        return
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise _fail(field, message)


def _locked_membership(membership: Membership) -> Membership:
    lock_organisation(membership.organisation_id)
    current = Membership.objects.filter(pk=membership.pk).first()
    if current is None:
        raise _fail("membership", _("This person is no longer a member."))
    return current


def membership_set_role(*, membership: Membership, role: str, by) -> Membership:
    """Make a member an administrator or back (its administrators or an officer).

    The last administrator cannot step down: an organisation always has one.
    """
    if role not in Membership.Role.values:
        raise _fail("role", _("Choose administrator or member."))
    with transaction.atomic():
        current = _locked_membership(membership)
        if not _may_administer(by, current.organisation):
            raise PermissionDenied("only the organisation's administrators change roles")
        if role != Membership.Role.ADMIN:
            _keep_an_admin(current, field="role", message=_(
                "The organisation needs at least one administrator. Make someone else "
                "administrator first."
            ))  # fmt: skip
        Membership.objects.filter(pk=current.pk).update(role=role)
    membership.refresh_from_db()
    return membership


def membership_remove(*, membership: Membership, by) -> None:
    """Take a person out of the organisation (its administrators or an officer).

    The last administrator cannot be removed.
    """
    with transaction.atomic():
        current = _locked_membership(membership)
        if not _may_administer(by, current.organisation):
            raise PermissionDenied("only the organisation's administrators remove members")
        _keep_an_admin(current, field="membership", message=_(
            "The organisation needs at least one administrator. Make someone else "
            "administrator first."
        ))  # fmt: skip
        Membership.objects.filter(pk=current.pk).delete()


def membership_leave(*, organisation: Organisation, by) -> None:
    """Leave an organisation one is a member of; its last administrator cannot."""
    with transaction.atomic():
        lock_organisation(organisation.pk)
        current = Membership.objects.filter(organisation=organisation, user_id=by.pk).first()
        if current is None:
            raise _fail("membership", _("You are not a member of this organisation."))
        _keep_an_admin(current, field="membership", message=_(
            "You are the only administrator. Make someone else administrator before you "
            "leave."
        ))  # fmt: skip
        Membership.objects.filter(pk=current.pk).delete()
