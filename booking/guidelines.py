"""A site's guidelines: publishing a new version, and the acceptance a booking needs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Booking, Guidelines, Site

FIELD = "accept_guidelines"


def current_guidelines(site: Site | int) -> Guidelines | None:
    """The site's newest version, or None if the site has no guidelines."""
    site_id = site if isinstance(site, int) else site.pk
    return Guidelines.objects.filter(site_id=site_id).order_by("-version").first()


_READ = object()


def guidelines_to_accept(
    *, site: Site | int, accept_guidelines: bool, current: Guidelines | None = _READ
) -> Guidelines | None:
    """The version a booking at the site accepts, or None if the site has none.

    Raises a ValidationError on ``accept_guidelines`` if the site has guidelines and
    they were not accepted. ``current``: the site's current version if already read
    (a room's facts, booking/facts.py).
    """
    if current is _READ:
        current = current_guidelines(site)
    if current is not None and accept_guidelines is not True:
        raise ValidationError(
            {FIELD: [_("Accept the site's guidelines for borrowing and renting rooms to book.")]}
        )
    return current


def guidelines_publish(*, site: Site, by, text_nb: str, text_nn: str = "", text_en: str = ""):
    """Publish a new version of the site's guidelines (officers only). Earlier versions
    stay, and the bookings that accepted them keep pointing at them; the next booking
    accepts this one."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers publish guidelines")
    if not (text_nb or "").strip():
        raise ValidationError({"text_nb": [_("Write the guidelines in bokmål.")]})
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()
        latest = Guidelines.objects.filter(site=site).aggregate(v=Max("version"))["v"] or 0
        try:
            with transaction.atomic():
                return Guidelines.objects.create(
                    site=site, version=latest + 1, text_nb=text_nb.strip(),
                    text_nn=(text_nn or "").strip(), text_en=(text_en or "").strip(),
                    published_by=by,
                )  # fmt: skip
        except IntegrityError as error:  # SQLite writers are serialised; this is a safety net
            raise ValidationError(
                {"version": [_("Another version was published at the same time; try again.")]}
            ) from error


def booking_accept_guidelines(*, booking: Booking, accept_guidelines: bool) -> Booking:
    """Make sure a booking has accepted its site's guidelines, for what is added to it.

    A booking made at a site with guidelines accepted them when it was made (and keeps
    that version). One made before the site had guidelines accepts the current version
    now, or a ValidationError on ``accept_guidelines`` says it must.
    """
    if booking.guidelines_id is not None:
        return booking
    current = guidelines_to_accept(site=booking.room.site_id, accept_guidelines=accept_guidelines)
    if current is not None:
        Booking.objects.filter(pk=booking.pk, guidelines__isnull=True).update(guidelines=current)
        booking.refresh_from_db(fields=["guidelines"])
    return booking
