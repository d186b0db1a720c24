"""Writing an organisation's public profile: what it does, for whom, where, how to join.

Whether the organisation is listed at all stays ``Organisation.in_directory`` (set on
"My organisation" through booking's services); its introduction is the organisation's
``public_description``. The profile's own words are kept in ``search_text`` for search;
the name and introduction are searched where booking keeps them (see community.search),
so a change there needs nothing from here.
"""

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Organisation, Site
from booking.photos import clean_photo
from community.models import AgeGroup, Category, PublicProfile
from community.search import fold

TEXT_FIELDS = ("activities", "area", "how_to_join", "website", "public_email")
FIELDS = (*TEXT_FIELDS, "categories", "age_groups", "sites", "show_phone")


def may_edit(user, organisation: Organisation) -> bool:
    """Its administrators and booking officers."""
    return roles.is_officer(user) or organisation.pk in roles.admin_organisation_ids(user)


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def search_text(profile: PublicProfile) -> str:
    """The profile's own words that search reads, folded (lower case, no accents)."""
    return fold(" ".join(w for w in (profile.activities, profile.area) if w))


def _max_length(name: str) -> int:
    return PublicProfile._meta.get_field(name).max_length


def _clean_text(name: str, value) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(name, _("Enter text."))
    value = value.strip()
    limit = _max_length(name) or 254
    if len(value) > limit:
        raise _fail(name, _("At most %(n)d characters.") % {"n": limit})
    if name == "website" and value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise _fail(name, _("Enter a web address starting with https:// or http://.")) from None
    if name == "public_email" and value:
        try:
            validate_email(value)
        except ValidationError:
            raise _fail(name, _("Enter a valid email address.")) from None
    return value


def _clean_codes(name: str, values, allowed: list[str]) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise _fail(name, _("Choose from the list."))
    codes = []
    for value in values:
        if not isinstance(value, str) or value not in allowed:
            raise _fail(name, _("Choose from the list."))
        if value not in codes:
            codes.append(value)
    return codes


def _clean_sites(values) -> list[Site]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise _fail("sites", _("Choose from the list."))
    ids = set()
    for value in values:
        pk = value.pk if isinstance(value, Site) else value
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise _fail("sites", _("Choose from the list."))
        ids.add(pk)
    sites = list(Site.objects.filter(pk__in=ids))
    if len(sites) != len(ids):
        raise _fail("sites", _("Choose from the list."))
    return sites


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise _fail(sorted(unknown)[0], _("This cannot be changed here."))
    cleaned = {}
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            cleaned[name] = _clean_text(name, value)
        elif name == "categories":
            cleaned[name] = _clean_codes(name, value, Category.values)
        elif name == "age_groups":
            cleaned[name] = _clean_codes(name, value, AgeGroup.values)
        elif name == "sites":
            cleaned[name] = _clean_sites(value)
        elif name == "show_phone":
            if not isinstance(value, bool):
                raise _fail(name, _("Choose yes or no."))
            cleaned[name] = value
    return cleaned


def _store_logo(organisation: Organisation, file) -> tuple[dict, list[str]]:
    """The logo checked, re-encoded and thumbnailed as room photos are; the stored names."""
    try:
        image, thumb, ext = clean_photo(file)
    except ValidationError as error:
        raise ValidationError({"logo": error.message_dict.get("file", error.messages)}) from None
    stem = f"logos/{organisation.pk}/{uuid.uuid4().hex}"
    names = [default_storage.save(f"{stem}.{ext}", ContentFile(image.data))]
    try:
        names.append(default_storage.save(f"{stem}-thumb.{ext}", ContentFile(thumb.data)))
    except BaseException:
        default_storage.delete(names[0])
        raise
    values = {
        "logo": names[0],
        "logo_width": image.width,
        "logo_height": image.height,
        "logo_thumbnail": names[1],
    }
    return values, names


def _forget_files(names: list[str]) -> None:
    """Delete files once the change that stopped using them is committed."""
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def profile_save(*, organisation: Organisation, by, logo=None, **fields) -> PublicProfile:
    """Create or change the organisation's public profile (its administrators or an
    officer). Only the fields given change; ``logo``, if given, replaces the logo.

    Raises PermissionDenied for anyone else and ValidationError naming the field for bad
    input (a web site other than http(s), unknown category or age group codes, sites that
    do not exist, too long texts, an upload that is not a JPEG/PNG/WebP image); nothing is
    saved then.
    """
    if not may_edit(by, organisation):
        raise PermissionDenied("only the organisation's administrators change its profile")
    cleaned = _clean(fields)
    sites = cleaned.pop("sites", None)
    stored, new_names = ({}, [])
    if logo is not None:
        stored, new_names = _store_logo(organisation, logo)
    try:
        with transaction.atomic():
            profile, _created = PublicProfile.objects.select_for_update().get_or_create(
                organisation=organisation
            )
            old_names = [profile.logo.name, profile.logo_thumbnail.name] if stored else []
            for name, value in {**cleaned, **stored}.items():
                setattr(profile, name, value)
            profile.search_text = search_text(profile)
            profile.updated_at = timezone.now()
            profile.save()
            if sites is not None:
                profile.sites.set(sites)
            _forget_files(old_names)
    except BaseException:
        for name in new_names:
            default_storage.delete(name)
        raise
    return profile


def profile_logo_remove(*, organisation: Organisation, by) -> None:
    """Take the logo off the profile and, once that is committed, delete its files."""
    if not may_edit(by, organisation):
        raise PermissionDenied("only the organisation's administrators change its profile")
    with transaction.atomic():
        profile = (
            PublicProfile.objects.select_for_update().filter(organisation=organisation).first()
        )
        if profile is None or not profile.logo:
            return
        old_names = [profile.logo.name, profile.logo_thumbnail.name]
        PublicProfile.objects.filter(pk=profile.pk).update(
            logo="", logo_thumbnail="", logo_width=None, logo_height=None,
            updated_at=timezone.now(),
        )  # fmt: skip
        _forget_files(old_names)
