"""What the demo's rooms and sites are like: descriptions, facts, locations and photos.

Photos are drawn with Pillow when the demo is seeded (no image files in git) and added
through ``room_photo_add`` like an officer's upload.
"""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from booking.photos import room_photo_add

# site: latitude, longitude, accessible toilet, lift, parking, description nb, en
SITE_INFO = {
    "Bjørkelia skole": (
        "58.461300", "8.766200", True, False, True,
        "Barneskole med inngang fra skolegården. Parkering ved gymsalen.",
        "Primary school entered from the schoolyard. Parking by the gym.",
    ),
    "Solbakken ungdomsskole": (
        "58.468900", "8.751400", True, True, True,
        "Ungdomsskole med aula og musikkrom i andre etasje (heis fra vestibylen).",
        "Lower secondary school; the hall and music room are on the first floor (lift from "
        "the entrance hall).",
    ),
    "Fjordvik innbyggertorg": (
        "58.459800", "8.772900", True, True, True,
        "Innbyggertorget i rådhusets første etasje, med servicetorg og kafé.",
        "The citizens' hall on the ground floor of the town hall, with service desk and café.",
    ),
}  # fmt: skip

# room: step-free access, hearing loop, description nb, en, photos (wall colour, alt nb, alt en)
ROOM_INFO = {
    ("Bjørkelia skole", "Gymsal"): (
        True, False,
        "Gymsal med garderober og dusj. Innendørssko påbudt.",
        "Gym with changing rooms and showers. Indoor shoes only.",
        [((196, 160, 110), "Gymsalen med ribbevegg og basketballkurv",
          "The gym with wall bars and a basketball hoop")],
    ),
    ("Bjørkelia skole", "Klasserom 5A"): (
        False, False,
        "Klasserom i andre etasje, trapp fra skolegården.",
        "Classroom on the first floor, stairs from the schoolyard.",
        [],
    ),
    ("Solbakken ungdomsskole", "Aulaen"): (
        True, True,
        "Aula med scene, flygel og 200 sitteplasser. Teleslynge på de første radene.",
        "Hall with a stage, a grand piano and 200 seats. Hearing loop in the front rows.",
        [((120, 40, 50), "Aulaen sett fra salen mot scenen", "The hall seen from the seats"),
         ((90, 90, 110), "Inngangen til aulaen uten trinn", "The step-free entrance to the hall")],
    ),
    ("Fjordvik innbyggertorg", "Storsalen"): (
        True, True,
        "Stor sal med kjøkken, lydanlegg og utsikt over fjorden. Trinnfri inngang fra torget.",
        "Large hall with a kitchen, sound system and a view of the fjord. Step-free entrance "
        "from the square.",
        [((70, 120, 150), "Storsalen med langbord og vinduer mot fjorden",
          "The large hall with long tables and windows facing the fjord")],
    ),
    ("Fjordvik innbyggertorg", "Møterom Fjorden"): (
        True, True,
        "Møterom for tolv med skjerm og tavle.",
        "Meeting room for twelve with a screen and a whiteboard.",
        [],
    ),
}  # fmt: skip


def drawn_photo(wall: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A simple picture of a room: wall, floor and three windows."""
    image = Image.new("RGB", (960, 640), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 440, 960, 640), fill=(150, 110, 70))
    for left in (120, 400, 680):
        draw.rectangle(
            (left, 120, left + 160, 320), fill=(205, 230, 245), outline=(255, 255, 255), width=8
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def describe_rooms(rooms, sites, officer) -> int:
    """Give the demo's sites and rooms their information once; return the changes made.

    Text and facts are filled in only while the bokmål description is empty, photos only
    while the room has none, so an officer's edits stay and a second run changes nothing.
    """
    changes = 0
    for name, (lat, lon, toilet, lift, parking, nb, en) in SITE_INFO.items():
        site = sites[name]
        if not site.description_nb:
            site.latitude, site.longitude = Decimal(lat), Decimal(lon)
            site.accessible_toilet, site.lift, site.parking = toilet, lift, parking
            site.description_nb, site.description_en = nb, en
            site.save()
            changes += 1
    for key, (step_free, loop, nb, en, photos) in ROOM_INFO.items():
        room = rooms[key]
        if not room.description_nb:
            room.step_free_access, room.hearing_loop = step_free, loop
            room.description_nb, room.description_en = nb, en
            room.save()
            changes += 1
        if photos and not room.photos.exists():
            for i, (wall, alt_nb, alt_en) in enumerate(photos):
                room_photo_add(room=room, file=drawn_photo(wall, f"demo-{room.pk}-{i}.jpg"),
                               alt_nb=alt_nb, alt_en=alt_en, by=officer)  # fmt: skip
                changes += 1
    return changes
