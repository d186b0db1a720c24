"""Room photos: checked to be real images, re-encoded without metadata, thumbnailed once."""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from booking import roles
from booking.models import Room, RoomPhoto

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LARGEST_SIDE = 2400  # the stored photo; larger uploads are scaled down
THUMBNAIL_WIDTH = 480
ALT_MAX_LENGTH = 300


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int


def _refuse(message: str, field: str = "file"):
    raise ValidationError({field: [message]})


def _open_checked(file) -> tuple[Image.Image, str]:
    """The decoded image and its format, or a ValidationError naming ``file``."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > settings.PHOTO_MAX_BYTES:
        _refuse(
            _("The photo is larger than %(limit)s MB.")
            % {"limit": f"{settings.PHOTO_MAX_BYTES / 1024 / 1024:g}"}
        )
    not_an_image = _("Upload a photo in JPEG, PNG or WebP format.")
    try:
        file.seek(0)
        with Image.open(file) as probe:
            if probe.format not in FORMATS:
                _refuse(not_an_image)
            if probe.width * probe.height > settings.PHOTO_MAX_PIXELS:
                _refuse(
                    _("The photo has more than %(limit)s megapixels.")
                    % {"limit": f"{settings.PHOTO_MAX_PIXELS / 1_000_000:g}"}
                )
            probe.verify()
        # verify() leaves the image unusable: open it again to decode it.
        file.seek(0)
        image = Image.open(file)
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        _refuse(not_an_image)
    return image, image.format


def _encode(image: Image.Image, fmt: str, icc_profile: bytes | None) -> Encoded:
    """The image written afresh: no EXIF, XMP or text chunks, only the colour profile."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        options |= {"quality": 85, "optimize": True}
    elif fmt == "WEBP":
        options |= {"quality": 85}
    image.save(out, format=fmt, **options)
    return Encoded(out.getvalue(), image.width, image.height)


def clean_photo(file) -> tuple[Encoded, Encoded, str]:
    """The photo and its thumbnail, re-encoded upright without metadata, and the extension.

    Raises ValidationError naming ``file`` when it is not a JPEG, PNG or WebP image, or is
    over the size or pixel cap.
    """
    image, fmt = _open_checked(file)
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L"):
        alpha = "A" in upright.getbands() or "transparency" in upright.info
        upright = upright.convert("RGBA" if alpha and fmt != "JPEG" else "RGB")
    # A new image from the pixels alone, so that no metadata rides along.
    bare = Image.new(upright.mode, upright.size)
    bare.paste(upright)
    bare.thumbnail((LARGEST_SIDE, LARGEST_SIDE))
    thumb = bare.copy()
    if thumb.width > THUMBNAIL_WIDTH:
        thumb = thumb.resize(
            (THUMBNAIL_WIDTH, max(1, round(thumb.height * THUMBNAIL_WIDTH / thumb.width))),
            Image.Resampling.LANCZOS,
        )
    return _encode(bare, fmt, icc_profile), _encode(thumb, fmt, icc_profile), FORMATS[fmt]


def _check_alt(alt_nb: str, alt_nn: str, alt_en: str) -> tuple[str, str, str]:
    texts = tuple((t or "").strip() for t in (alt_nb, alt_nn, alt_en))
    if not texts[0]:
        _refuse(_("Describe the photo for those who cannot see it (bokmål)."), "alt_nb")
    for field, text in zip(("alt_nb", "alt_nn", "alt_en"), texts, strict=True):
        if len(text) > ALT_MAX_LENGTH:
            _refuse(_("At most %(n)d characters.") % {"n": ALT_MAX_LENGTH}, field)
    return texts


def room_photo_add(
    *,
    room: Room,
    file,
    alt_nb: str,
    alt_nn: str = "",
    alt_en: str = "",
    order: int | None = None,
    by,
) -> RoomPhoto:
    """Add a photo to a room (booking officers only), last unless ``order`` is given.

    The upload is checked and re-encoded (see ``clean_photo``); the stored photo and its
    thumbnail carry no EXIF. Nothing is stored when it is refused.
    """
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers add photos")
    alt_nb, alt_nn, alt_en = _check_alt(alt_nb, alt_nn, alt_en)
    photo, thumb, ext = clean_photo(file)
    stem = f"rooms/{room.pk}/{uuid.uuid4().hex}"
    names = []
    try:
        names.append(default_storage.save(f"{stem}.{ext}", ContentFile(photo.data)))
        names.append(default_storage.save(f"{stem}-thumb.{ext}", ContentFile(thumb.data)))
        with transaction.atomic():
            if order is None:
                last = room.photos.aggregate(last=Max("order"))["last"]
                order = 0 if last is None else last + 1
            created = RoomPhoto.objects.create(
                room=room,
                order=order,
                image=names[0],
                width=photo.width,
                height=photo.height,
                thumbnail=names[1],
                thumbnail_width=thumb.width,
                thumbnail_height=thumb.height,
                alt_nb=alt_nb,
                alt_nn=alt_nn,
                alt_en=alt_en,
            )
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    return created


def room_photo_update(
    *, photo: RoomPhoto, alt_nb: str, alt_nn: str = "", alt_en: str = "", order: int, by
) -> RoomPhoto:
    """Change a photo's alt texts and place (booking officers only)."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers change photos")
    alt_nb, alt_nn, alt_en = _check_alt(alt_nb, alt_nn, alt_en)
    RoomPhoto.objects.filter(pk=photo.pk).update(
        alt_nb=alt_nb, alt_nn=alt_nn, alt_en=alt_en, order=order
    )
    photo.alt_nb, photo.alt_nn, photo.alt_en, photo.order = alt_nb, alt_nn, alt_en, order
    return photo


def room_photo_remove(*, photo: RoomPhoto, by) -> None:
    """Delete a photo and, once that is committed, its files (booking officers only)."""
    if not roles.is_officer(by):
        raise PermissionDenied("only booking officers remove photos")
    names = [photo.image.name, photo.thumbnail.name]
    with transaction.atomic():
        RoomPhoto.objects.filter(pk=photo.pk).delete()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names if n])


def with_first_thumbnail(rooms: QuerySet) -> QuerySet:
    """The rooms with their first photo's thumbnail, size and alt text (in the active
    language, else bokmål) in the same query; read them with ``first_thumbnail``."""
    first = RoomPhoto.objects.filter(room=OuterRef("pk")).order_by("order", "id")
    language = (get_language() or "nb").split("-")[0]
    alt = models.F("alt_nb")
    if language in ("nn", "en"):
        alt = Coalesce(NullIf(f"alt_{language}", models.Value("")), "alt_nb")
    return rooms.annotate(
        first_thumbnail=Subquery(first.values("thumbnail")[:1]),
        first_thumbnail_width=Subquery(first.values("thumbnail_width")[:1]),
        first_thumbnail_height=Subquery(first.values("thumbnail_height")[:1]),
        first_thumbnail_alt=Subquery(first.annotate(text=alt).values("text")[:1]),
    )


def first_thumbnail(room) -> dict | None:
    """The thumbnail annotated by ``with_first_thumbnail``: url, width, height, alt."""
    if not getattr(room, "first_thumbnail", None):
        return None
    return {
        "url": default_storage.url(room.first_thumbnail),
        "width": room.first_thumbnail_width,
        "height": room.first_thumbnail_height,
        "alt": room.first_thumbnail_alt,
    }
