"""The secret links to the calendar feeds of organisations and sites."""

import secrets

from django.core.exceptions import PermissionDenied

from booking import roles
from booking.models import Organisation, Site


def calendar_link_renew(*, owner: Organisation | Site, by) -> str:
    """Make (or make again) the feed's secret link; the old link stops working at once.

    An organisation's link by its administrators, a site's by its caretakers, any by a
    booking officer; anyone else is refused and nothing changes. Returns the new secret.
    """
    if not roles.can_renew_calendar_link(by, owner):
        raise PermissionDenied("only the organisation's administrators or the site's caretakers")
    token = secrets.token_urlsafe(32)
    type(owner).objects.filter(pk=owner.pk).update(calendar_token=token)
    owner.calendar_token = token
    return token
