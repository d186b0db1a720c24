"""People's roles in the municipality's staff: booking officer, caretaker of a site and
lending-counter staff. Every path (the officers' page, the admin) gives them here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from booking import roles
from booking.models import Site

OFFICER, CARETAKER, COUNTER = "officer", "caretaker", "counter"
ROLES = [
    (OFFICER, gettext_lazy("booking officer")),
    (CARETAKER, gettext_lazy("caretaker")),
    (COUNTER, gettext_lazy("lending-counter staff")),
]
GROUP_OF = {OFFICER: roles.OFFICER_GROUP, COUNTER: roles.COUNTER_GROUP}


@transaction.atomic
def user_role_set(*, user, role: str, site: Site | None = None, by, held: bool = True) -> None:
    """Give ``user`` the role (``held=False``: take it away). Only booking officers do.

    An officer also becomes staff, so that the admin lets them in (and stops being staff
    when the role is taken away, unless a superuser). A caretaker is a caretaker of
    ``site``. Giving a role someone has, or taking one they lack, changes nothing.
    """
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers give roles")
    if role not in dict(ROLES):
        raise ValidationError({"role": [_("Choose officer, caretaker or counter staff.")]})
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied("only a superuser changes a superuser")
    if role == CARETAKER:
        if site is None:
            raise ValidationError({"site": [_("Choose the site they take care of.")]})
        (site.caretakers.add if held else site.caretakers.remove)(user)
        return
    group, _created = Group.objects.get_or_create(name=GROUP_OF[role])
    (group.user_set.add if held else group.user_set.remove)(user)
    if role == OFFICER and not user.is_superuser:
        get_user_model().objects.filter(pk=user.pk).update(is_staff=held)
        user.is_staff = held
    user.__dict__.pop("_lokale_groups", None)


def user_roles(user) -> list[tuple[str, Site | None]]:
    """The roles ``user`` holds: (role, site) pairs, the site only for caretakers."""
    groups = {group.name for group in user.groups.all()}
    held = [(role, None) for role, group in GROUP_OF.items() if group in groups]
    held += [(CARETAKER, site) for site in sorted(user.caretaker_sites.all(), key=str)]
    return held


def people_search(text: str, *, limit: int = 50) -> QuerySet:
    """Active people whose username, email or name contains every word of ``text``."""
    people = get_user_model().objects.filter(is_active=True)
    for word in text.split():
        people = people.filter(
            Q(username__icontains=word) | Q(email__icontains=word)
            | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )  # fmt: skip
    return people.prefetch_related("groups", "caretaker_sites").order_by(
        "first_name", "last_name", "username"
    )[:limit]
