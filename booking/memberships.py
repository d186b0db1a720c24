"""My organisation: invitations by email, and the record its administrators keep.

Leaving, removing and changing roles are in ``booking.organisations`` (they share the
lock that keeps an organisation from losing its last administrator).
"""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import notify, roles
from booking.models import Invitation, Membership, Organisation
from booking.organisations import _fail, _may_administer, organisation_update
from booking.phones import phone_e164
from config.errors import EmailUnverified

INVITATION_LIFETIME = dt.timedelta(days=14)
PROFILE_FIELDS = (
    "contact_person",
    "contact_email",
    "contact_phone",
    "invoice_address",
    "invoice_reference",
    "in_directory",
    "public_description",
)


def token_digest(token: str) -> str:
    """What the database keeps of an invitation's secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def organisation_profile_update(*, organisation: Organisation, by, **fields) -> Organisation:
    """Change the organisation's own record: contact person and phone, invoice address and
    reference, and whether (and how) it appears in the public directory. Its
    administrators or an officer; the phone is stored in E.164."""
    if not _may_administer(by, organisation):
        raise PermissionDenied("only the organisation's administrators change it")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise _fail(name, _("This cannot be changed here."))
    if "contact_phone" in fields:
        fields["contact_phone"] = phone_e164(fields["contact_phone"])
    for name in ("contact_person", "invoice_reference", "invoice_address", "public_description"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    return organisation_update(organisation=organisation, by=by, **fields)


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, by, role: str = Membership.Role.MEMBER
) -> Invitation:
    """Invite an email address to the organisation (its administrators or an officer).

    A link that works once and for 14 days goes out through the outbox when this commits;
    an earlier invitation to the same address that is still open is withdrawn (the new
    link replaces it). Only the digest of the link's secret is stored.
    """
    if not _may_administer(by, organisation):
        raise PermissionDenied("only the organisation's administrators invite")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise _fail("email", _("Enter a valid email address.")) from None
    if role not in Membership.Role.values:
        raise _fail("role", _("Choose administrator or member."))
    members = Membership.objects.filter(organisation=organisation, user__email__iexact=email)
    if members.exists():
        raise _fail("email", _("Someone with this email address is already a member."))
    now = timezone.now()
    _open(Invitation.objects.filter(organisation=organisation, email__iexact=email), now).update(
        withdrawn_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, token_digest=token_digest(token),
        invited_by=by, created_at=now, expires_at=now + INVITATION_LIFETIME,
    )  # fmt: skip
    notify.invitation_sent(invitation, token=token, language=notify.language_of(by))
    return invitation


def _open(invitations, now: dt.datetime):
    return invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
    )


def invitations_open(organisation: Organisation):
    """The organisation's invitations that can still be accepted, newest first."""
    return _open(organisation.invitations.select_related("invited_by"), timezone.now())


def invitation_withdraw(*, invitation: Invitation, by) -> None:
    """Withdraw an invitation that is still open (its administrators or an officer)."""
    if not _may_administer(by, invitation.organisation):
        raise PermissionDenied("only the organisation's administrators withdraw invitations")
    withdrawn = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not withdrawn:
        raise _fail("invitation", _("This invitation has already been accepted or withdrawn."))


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's secret belongs to, whatever its state."""
    if not token or len(token) > 200:
        return None
    found = Invitation.objects.select_related("organisation", "invited_by")
    return found.filter(token_digest=token_digest(token)).first()


PROBLEMS = {
    "unknown": gettext_lazy(
        "This invitation link is not valid. Ask the organisation's administrator to invite "
        "you again."
    ),
    "used": gettext_lazy("This invitation has already been used. An invitation link works once."),
    "withdrawn": gettext_lazy(
        "This invitation has been withdrawn. Ask the organisation's administrator to invite "
        "you again."
    ),
    "expired": gettext_lazy(
        "This invitation has expired. Ask the organisation's administrator to invite you again."
    ),
}


def invitation_problem(invitation: Invitation | None, *, now: dt.datetime | None = None) -> str:
    """Why a link cannot be accepted ("" when it can), in words for the person holding it."""
    now = now or timezone.now()
    if invitation is None:
        return str(PROBLEMS["unknown"])
    if invitation.accepted_at is not None:
        return str(PROBLEMS["used"])
    if invitation.withdrawn_at is not None:
        return str(PROBLEMS["withdrawn"])
    if invitation.expires_at <= now:
        return str(PROBLEMS["expired"])
    return ""


def invitation_accept(*, token: str, by) -> Membership:
    """Make the signed-in person a member with the invitation's role; the link is used up.

    An unknown, used, withdrawn or expired link is a ValidationError on ``token``. Someone
    who is a member already keeps their membership (an invitation as administrator makes
    them one).
    """
    if not by.is_authenticated:
        raise PermissionDenied("sign in to accept an invitation")
    if not roles.email_verified(by):
        raise EmailUnverified(_("Confirm your email address before you join an organisation."))
    now = timezone.now()
    with transaction.atomic():
        invitation = invitation_by_token(token)
        problem = invitation_problem(invitation, now=now)
        if not problem:
            claimed = _open(Invitation.objects.filter(pk=invitation.pk), now).update(
                accepted_at=now, accepted_by=by
            )
            if not claimed:  # someone used it since we looked
                invitation.refresh_from_db()
                problem = invitation_problem(invitation, now=now) or str(PROBLEMS["used"])
        if problem:
            raise _fail("token", problem)
        membership, created = Membership.objects.get_or_create(
            user=by, organisation_id=invitation.organisation_id, defaults={"role": invitation.role}
        )
        if not created and invitation.role == Membership.Role.ADMIN:
            Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.ADMIN)
            membership.refresh_from_db()
    return membership
