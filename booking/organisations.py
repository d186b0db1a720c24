"""Writes to organisations and their members (every path: API, web, admin, seed)."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Membership, Organisation
from booking.phones import phone_e164
from config.errors import EmailUnverified
from registry.lookup import unit_lookup
from registry.orgnr import org_number_is_valid

# Only organisation_verify sets these.
UNVERIFIED_FIELDS = (
    "voluntary_verified",
    "verified_category",
    "verified_at",
    "verified_by",
    "verified_by_register",
)


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
    if "contact_phone" in fields:
        fields["contact_phone"] = phone_e164(fields["contact_phone"])
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    if join:
        Membership.objects.create(user=by, organisation=organisation, role=Membership.Role.ADMIN)
        roles.forget_memberships(by)
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
    if "contact_phone" in fields:
        fields["contact_phone"] = phone_e164(fields["contact_phone"])
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        if "category" in changed:
            current.verified_category, current.verified_at, current.verified_by = "", None, None
            current.verified_by_register = False
            changed += ["verified_category", "verified_at", "verified_by", "verified_by_register"]
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
                verified_category=current.category, verified_at=timezone.now(), verified_by=by,
                verified_by_register=False,
            )  # fmt: skip
    organisation.refresh_from_db()
    return organisation


# Registration by the organisations themselves, looked up in Enhetsregisteret.

NUMBER_FIELD = "organisation_number"


def _already_registered(number: str) -> ValidationError | None:
    organisation = Organisation.objects.filter(org_number=number).first()
    if organisation is None:
        return None
    admins = [
        m.user.get_full_name() or m.user.get_username()
        for m in organisation.memberships.filter(role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
    ]
    if admins:
        message = _(
            "%(name)s is already registered in Lokale. Ask its administrator (%(admins)s) "
            "to add you as a member."
        ) % {"name": organisation.name, "admins": ", ".join(admins)}
    else:
        message = _(
            "%(name)s is already registered in Lokale. Ask a booking officer to add you "
            "as a member."
        ) % {"name": organisation.name}
    return _fail(NUMBER_FIELD, message)


def organisation_register(
    *,
    by,
    organisation_number: str = "",
    name: str = "",
    category: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """A signed-in person registers an organisation and becomes its administrator.

    With an organisation number, the name, organisational form and address are the
    register's (what the person typed as name is ignored): the number must pass the
    modulus-11 check and be in Enhetsregisteret (the local copy, then the register's API
    when configured), not bankrupt, not deleted, and not registered here already. An
    organisation in Frivillighetsregisteret is verified voluntary at once, by the
    register; any other category is a claim that waits for an officer where a price rule
    favours it. Without a number, the name and the claimed category are as given.

    Raises ValidationError naming the field, or RegisterUnavailable when the register's
    API does not answer; either way nothing is saved.
    """
    if not by.is_authenticated:
        raise PermissionDenied("sign in to register an organisation")
    if not roles.email_verified(by):
        raise EmailUnverified(_("Confirm your email address before you register an organisation."))
    number = re.sub(r"\s", "", organisation_number or "")
    if not number:
        return organisation_create(
            by=by, name=name, category=category, contact_email=contact_email,
            contact_phone=contact_phone,
        )  # fmt: skip
    if not org_number_is_valid(number):
        raise _fail(
            NUMBER_FIELD,
            _("Not a valid organisation number (9 digits with a correct check digit)."),
        )
    if refusal := _already_registered(number):
        raise refusal
    unit = unit_lookup(number)
    if unit is None:
        raise _fail(NUMBER_FIELD, _("Enhetsregisteret has no organisation with this number."))
    if unit.deleted_on is not None:
        raise _fail(
            NUMBER_FIELD,
            _("%(name)s was deleted from Enhetsregisteret on %(date)s.")
            % {"name": unit.name or number, "date": unit.deleted_on.strftime("%d.%m.%Y")},
        )
    if unit.bankrupt:
        raise _fail(
            NUMBER_FIELD, _("%(name)s is bankrupt, says Enhetsregisteret.") % {"name": unit.name}
        )
    organisation = Organisation(
        name=unit.name[: Organisation._meta.get_field("name").max_length],
        org_number=number,
        category=Organisation.Category.VOLUNTARY if unit.voluntary else category,
        org_form=unit.form_code,
        register_address=unit.address_lines,
        register_postcode=unit.postcode,
        register_town=unit.town,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    if unit.voluntary:
        organisation.verified_category = Organisation.Category.VOLUNTARY
        organisation.verified_at = timezone.now()
        organisation.verified_by_register = True
    # The database's unique number decides between two people registering it at once.
    organisation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            organisation.save()
            Membership.objects.create(
                user=by, organisation=organisation, role=Membership.Role.ADMIN
            )
        roles.forget_memberships(by)
    except IntegrityError:
        if refusal := _already_registered(number):
            raise refusal from None
        raise
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
            made = Membership.objects.create(organisation=organisation, user=user, role=role)
        roles.forget_memberships(user)
        return made
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
    if current.user_id == by.pk:
        roles.forget_memberships(by)


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
    roles.forget_memberships(by)
