"""Events an organisation publishes, and officers hiding them.

Members of the organisation create, change and withdraw its events; an event tied to a
booking uses one of the organisation's own active bookings and lies within it. Booking
officers hide an event with a reason, which goes to the organiser through the outbox in the
same transaction. Every check names the field it refuses (a ValidationError the web forms
and the API show as is); nothing is saved when one fails.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import roles
from booking.models import Booking, Organisation
from booking.notify import language_of
from booking.photos import clean_photo
from booking.validators import MAX_YEAR, MIN_YEAR
from community.models import AgeGroup, Category, Event
from notifications.models import Message
from notifications.services import enqueue

TEXT_FIELDS = {"title": 200, "description": 4000, "place": 300, "image_alt": 300}
EDITABLE = ("title", "description", "start", "end", "booking", "place", "category",
            "age_groups", "link", "image", "image_alt")  # fmt: skip
REASON_MAX_LENGTH = 1000
_http_url = URLValidator(schemes=["http", "https"])


def can_edit(user, event_or_organisation) -> bool:
    """Members of the organisation (any role) change and withdraw its events."""
    organisation_id = getattr(event_or_organisation, "organisation_id", event_or_organisation.pk)
    return organisation_id in roles.organisation_ids(user)


def bookable_for_events(organisation: Organisation):
    """The organisation's own active bookings an event may use (the form lists the future
    ones; the service accepts any of them, so an event can be corrected afterwards)."""
    return Booking.objects.filter(
        organisation=organisation, status__in=Booking.ACTIVE_STATUSES
    ).select_related("room__site")


def _refuse(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(errors: dict, values: dict, field: str) -> None:
    value = values.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        _refuse(errors, field, _("Enter text."))
        return
    value = value.strip()
    if "\x00" in value:
        _refuse(errors, field, _("Null characters are not allowed."))
    elif len(value) > TEXT_FIELDS[field]:
        _refuse(errors, field, _("At most %(n)d characters.") % {"n": TEXT_FIELDS[field]})
    values[field] = value


def _instant(errors: dict, values: dict, field: str) -> None:
    value = values.get(field)
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        _refuse(errors, field, _("Enter a date and time."))
    elif not MIN_YEAR <= value.year <= MAX_YEAR:
        _refuse(errors, field, _("Give a date from %(low)d to %(high)d.") % {
            "low": MIN_YEAR, "high": MAX_YEAR})  # fmt: skip


def _check(values: dict, organisation: Organisation) -> dict:
    """The values cleaned, or a ValidationError naming every field refused."""
    errors: dict[str, list[str]] = {}
    for field in TEXT_FIELDS:
        _text(errors, values, field)
    if not values["title"] and "title" not in errors:
        _refuse(errors, "title", _("This field is required."))
    booking = values.get("booking")
    if booking is not None:
        if (
            not isinstance(booking, Booking)
            or booking.organisation_id != organisation.pk
            or not booking.is_active
        ):
            _refuse(errors, "booking", _("Choose one of your organisation's active bookings."))
            booking = None
        else:
            values["start"] = values.get("start") or booking.start
            values["end"] = values.get("end") or booking.end
    elif not values["place"] and "place" not in errors:
        _refuse(errors, "place", _("Choose one of your bookings, or say where it is."))
    _instant(errors, values, "start")
    _instant(errors, values, "end")
    start, end = values.get("start"), values.get("end")
    if "start" not in errors and "end" not in errors:
        if end <= start:
            _refuse(errors, "end", _("The end must be after the start."))
        elif booking is not None and not (booking.start <= start and end <= booking.end):
            _refuse(errors, "start", _("An event at a booking lies within the booking's time."))
    if values.get("category") not in Category.values:
        _refuse(errors, "category", _("Choose a category."))
    groups = values.get("age_groups")
    if (
        not isinstance(groups, list | tuple)
        or not groups
        or any(g not in AgeGroup.values for g in groups)
    ):
        _refuse(errors, "age_groups", _("Choose for whom."))
    else:
        values["age_groups"] = [g for g in AgeGroup.values if g in groups]  # once each, in order
    link = values.get("link") or ""
    if link:
        try:
            if not isinstance(link, str) or len(link) > 300:
                raise ValidationError("long")
            _http_url(link)
        except ValidationError:
            _refuse(errors, "link", _("Give a web address starting with http:// or https://."))
    values["link"] = link
    if values.get("image") and not values["image_alt"] and "image_alt" not in errors:
        _refuse(errors, "image_alt", _("Describe the image for those who cannot see it."))
    if errors:
        raise ValidationError(errors)
    values["site"] = booking.room.site if booking is not None else None
    return values


def _store_image(file, organisation: Organisation) -> dict:
    """The upload checked and re-encoded as room photos are; the stored names and sizes."""
    try:
        image, thumb, ext = clean_photo(file)
    except ValidationError as error:
        raise ValidationError({"image": error.message_dict.get("file", error.messages)}) from None
    stem = f"events/{organisation.pk}/{uuid.uuid4().hex}"
    names = [default_storage.save(f"{stem}.{ext}", ContentFile(image.data))]
    try:
        names.append(default_storage.save(f"{stem}-thumb.{ext}", ContentFile(thumb.data)))
    except BaseException:
        default_storage.delete(names[0])
        raise
    return {"image": names[0], "image_width": image.width, "image_height": image.height,
            "image_thumbnail": names[1]}  # fmt: skip


def _forget_files(names: list[str]) -> None:
    names = [n for n in names if n]
    transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def event_create(*, organisation, by, title, description="", start=None, end=None,
                 booking=None, place="", category, age_groups, link="", image=None,
                 image_alt="") -> Event:  # fmt: skip
    """Publish an event of the organisation (its members only)."""
    if not can_edit(by, organisation):
        raise PermissionDenied("only members of the organisation publish its events")
    values = _check({
        "title": title, "description": description, "start": start, "end": end,
        "booking": booking, "place": place, "category": category, "age_groups": age_groups,
        "link": link, "image": image, "image_alt": image_alt,
    }, organisation)  # fmt: skip
    files = _store_image(image, organisation) if image else {}
    values.pop("image")
    try:
        with transaction.atomic():
            return Event.objects.create(organisation=organisation, created_by=by,
                                        **values, **files)  # fmt: skip
    except BaseException:
        for name in (files.get("image"), files.get("image_thumbnail")):
            if name:
                default_storage.delete(name)
        raise


def event_update(*, event: Event, by, **changes) -> Event:
    """Change an event (members of its organisation): only the fields that changed are
    written, and SEQUENCE grows so that calendar programs take the new version."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = (
            Event.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=event.pk)
        )
        if not can_edit(by, current):
            raise PermissionDenied("only members of the organisation change its events")
        values = {f: getattr(current, f) for f in EDITABLE if f != "image"}
        if changes.get("booking") is not None and changes["booking"] != current.booking:
            # A new booking brings its times, unless new times are given too.
            values["start"], values["end"] = None, None
        values |= {k: v for k, v in changes.items() if k != "image"}
        values["image"] = changes.get("image") or current.image
        values = _check(values, current.organisation)
        image = values.pop("image")
        written = {f: v for f, v in values.items() if getattr(current, f) != v}
        old_files, new_files = [], {}
        if changes.get("image"):
            new_files = _store_image(image, current.organisation)
            written |= new_files
            old_files = [current.image.name, current.image_thumbnail.name]
        if not written:
            return current
        try:
            Event.objects.filter(pk=current.pk).update(
                **written, sequence=F("sequence") + 1, updated_at=timezone.now()
            )
        except BaseException:
            for name in (new_files.get("image"), new_files.get("image_thumbnail")):
                if name:
                    default_storage.delete(name)
            raise
        _forget_files(old_files)
        current.refresh_from_db()
        return current


def event_delete(*, event: Event, by) -> None:
    """Withdraw an event (members of its organisation): it is gone, with its image."""
    with transaction.atomic():
        current = Event.objects.select_for_update(of=("self",)).filter(pk=event.pk).first()
        if current is None:
            return
        if not can_edit(by, current):
            raise PermissionDenied("only members of the organisation withdraw its events")
        names = [current.image.name, current.image_thumbnail.name]
        current.delete()
        _forget_files(names)


def _organiser(event: Event) -> tuple[str, str]:
    """Whom to tell, and in which language: the person who published it, else the
    organisation's own address."""
    user = event.created_by
    if user is not None and user.email:
        return user.email, language_of(user)
    return event.organisation.contact_email, "nb"


def event_hide(*, event: Event, by, reason: str) -> Event:
    """Hide an event from everything public (booking officers only); the organiser is told
    why, in the same transaction."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers hide events")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": [_("Say why the event is hidden.")]})
    if len(reason) > REASON_MAX_LENGTH or "\x00" in reason:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {
            "n": REASON_MAX_LENGTH}]})  # fmt: skip
    with transaction.atomic():
        current = (
            Event.objects.select_for_update(of=("self",))
            .select_related("organisation", "created_by__profile")
            .get(pk=event.pk)
        )
        now = timezone.now()
        Event.objects.filter(pk=current.pk).update(
            status=Event.Status.HIDDEN, hidden_reason=reason, hidden_by=by, hidden_at=now,
            sequence=F("sequence") + 1, updated_at=now,
        )  # fmt: skip
        current.refresh_from_db()
        recipient, language = _organiser(current)
        enqueue(
            channel=Message.Channel.EMAIL, recipient=recipient, template="event_hidden",
            context={
                "title": current.title, "organisation": current.organisation.name,
                "start": current.start.isoformat(), "reason": reason,
                "url": f"{settings.SITE_URL}/events/{current.pk}/",
            },
            key=f"event-hidden:{current.pk}:{current.sequence}", language=language,
        )  # fmt: skip
        return current


def event_unhide(*, event: Event, by) -> Event:
    """Publish a hidden event again (booking officers only)."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers show hidden events again")
    with transaction.atomic():
        Event.objects.select_for_update(of=("self",)).filter(pk=event.pk).update(
            status=Event.Status.PUBLISHED, hidden_reason="", hidden_by=None, hidden_at=None,
            sequence=F("sequence") + 1, updated_at=timezone.now(),
        )  # fmt: skip
        return Event.objects.get(pk=event.pk)
