"""Photos made with Pillow for the tests (no binary files in git)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD, ORIENTATION = 0x8825, 0x0112


def image_bytes(
    fmt="JPEG", size=(800, 600), *, gps=False, orientation=None, colour="teal"
) -> bytes:
    """An image; with ``gps`` its EXIF says where it was taken (Oslo city hall)."""
    image = Image.new("RGB", size, colour)
    options = {}
    if gps or orientation:
        exif = Image.Exif()
        if gps:
            exif[GPS_IFD] = {1: "N", 2: (59.0, 54.0, 41.0), 3: "E", 4: (10.0, 44.0, 0.0)}
        if orientation:
            exif[ORIENTATION] = orientation
        options["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def upload(data: bytes | None = None, name="rom.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes() if data is None else data, content_type)


def add_photo(room, by, alt="Rommet sett fra døra", data=None, name="rom.jpg", **image):
    """A photo added through the service, as an officer would."""
    from booking.photos import room_photo_add

    file = upload(image_bytes(**image) if data is None else data, name=name)
    return room_photo_add(room=room, file=file, alt_nb=alt, by=by)
