"""Room and site information: descriptions, photos, universal-design facts, location."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.test import Client
from PIL import Image

from booking.models import RoomPhoto, Site
from booking.photos import room_photo_add, room_photo_remove
from tests.booking.test_admin import posted
from tests.factories import FacilityFactory, RoomFactory
from tests.photos import GPS_IFD, add_photo, image_bytes, upload

pytestmark = pytest.mark.django_db


def post_photo(client, room, file, **data):
    return client.post(
        f"/api/v1/rooms/{room.pk}/photos/",
        {"file": file, "alt_nb": "Rommet", **data},
        format="multipart",
    )


def stored(name: str) -> bytes:
    with default_storage.open(name) as f:
        return f.read()


def stored_files() -> list[str]:
    try:
        _dirs, files = default_storage.listdir("rooms")
    except FileNotFoundError:
        return []
    found = []
    for room_dir in _dirs:
        found += default_storage.listdir(f"rooms/{room_dir}")[1]
    return found + files


def test_an_officer_uploads_a_photo_and_the_gps_exif_is_gone(people, client_for):
    original = image_bytes(size=(3000, 2000), gps=True, orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)

    response = post_photo(client_for(people.olga), people.room, upload(original))

    assert response.status_code == 201, response.content
    photo = RoomPhoto.objects.get(room=people.room)
    for name in (photo.image.name, photo.thumbnail.name):
        data = stored(name)
        image = Image.open(io.BytesIO(data))
        assert dict(image.getexif()) == {}
        assert b"Exif" not in data and "exif" not in image.info
    # Turned upright by the orientation tag, scaled to 2400 px; the thumbnail 480 px wide.
    assert (photo.width, photo.height) == (1600, 2400)
    assert (photo.thumbnail_width, photo.thumbnail_height) == (480, 720)
    assert Image.open(io.BytesIO(stored(photo.thumbnail.name))).size == (480, 720)
    body = response.json()
    assert body["url"].endswith(photo.image.url) and body["url"].startswith("http")
    assert body["thumbnail_url"].endswith(photo.thumbnail.url)
    assert body["alt"] == "Rommet"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not a photo at all", "rom.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "rom.png"),
        (image_bytes("GIF"), "rom.gif"),
        (image_bytes()[:400], "cut-short.jpg"),
    ],
)
def test_an_upload_that_is_not_a_jpeg_png_or_webp_is_a_400_naming_the_file(
    people, client_for, data, name
):
    response = post_photo(client_for(people.olga), people.room, upload(data, name=name))
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["file"]
    assert not RoomPhoto.objects.exists()
    assert stored_files() == []


def test_an_upload_over_the_size_cap_is_a_400_naming_the_file(people, client_for, settings):
    settings.PHOTO_MAX_BYTES = 20_000
    big = image_bytes("PNG", size=(1200, 1200), colour=None) + b"\0" * 20_000
    response = post_photo(client_for(people.olga), people.room, upload(big, name="big.png"))
    assert response.status_code == 400
    assert "file" in response.json()
    assert not RoomPhoto.objects.exists()
    assert stored_files() == []


def test_an_upload_over_the_pixel_cap_is_a_400_naming_the_file(people, client_for, settings):
    settings.PHOTO_MAX_PIXELS = 100 * 100
    response = post_photo(
        client_for(people.olga), people.room, upload(image_bytes(size=(200, 100)))
    )
    assert response.status_code == 400
    assert "megapiksler" in response.json()["file"][0]


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_kept_in_their_format(people, fmt):
    photo = add_photo(people.room, people.olga, data=image_bytes(fmt, size=(600, 300)), name="x")
    assert Image.open(io.BytesIO(stored(photo.image.name))).format == fmt
    assert photo.thumbnail.name.endswith(f"-thumb.{fmt.lower()}")
    assert (photo.thumbnail_width, photo.thumbnail_height) == (480, 240)


def test_alt_text_in_bokmal_is_required(people, client_for):
    response = post_photo(client_for(people.olga), people.room, upload(), alt_nb="  ")
    assert response.status_code == 400
    assert list(response.json()) == ["alt_nb"]
    with pytest.raises(ValidationError) as error:
        room_photo_add(room=people.room, file=upload(), alt_nb=" ", by=people.olga)
    assert list(error.value.message_dict) == ["alt_nb"]
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomPhoto.objects.create(room=people.room, image="x.jpg", thumbnail="y.jpg", width=1,
                                 height=1, thumbnail_width=1, thumbnail_height=1)  # fmt: skip
    assert stored_files() == []


@pytest.mark.parametrize("who", ["alice", "carl", "anon"])
def test_only_booking_officers_add_photos(people, client_for, who):
    response = post_photo(client_for(getattr(people, who)), people.room, upload())
    assert response.status_code in (401, 403)
    if who != "anon":
        with pytest.raises(PermissionDenied):
            add_photo(people.room, getattr(people, who))
    assert not RoomPhoto.objects.exists()
    assert stored_files() == []


def test_removing_a_photo_removes_its_files(people, django_capture_on_commit_callbacks):
    photo = add_photo(people.room, people.olga)
    assert len(stored_files()) == 2
    with pytest.raises(PermissionDenied):
        room_photo_remove(photo=photo, by=people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        room_photo_remove(photo=photo, by=people.olga)
    assert stored_files() == []


@pytest.fixture
def described(people):
    site = people.room.site
    site.description_nb = "Skolen ligger ved fjorden."
    site.latitude, site.longitude = Decimal("59.913900"), Decimal("10.752200")
    site.accessible_toilet, site.lift, site.parking = True, False, None
    site.save()
    room = people.room
    room.description_nb = "Lyst rom med utsikt."
    room.description_en = "A bright room with a view."
    room.step_free_access, room.hearing_loop = True, False
    room.save()
    add_photo(room, people.olga, alt="Aulaen med scenen", orientation=None)
    second = add_photo(room, people.olga, alt="Inngangen uten trapp")
    second.alt_en = "The entrance without steps"
    second.save()
    return people


def test_the_room_api_gives_description_facts_location_and_photos(described, client_for):
    room = described.room
    body = client_for(None).get(f"/api/v1/rooms/{room.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["description"] == "A bright room with a view."
    assert body["descriptions"] == {
        "nb": "Lyst rom med utsikt.",
        "nn": "",
        "en": body["description"],
    }
    assert body["site_description"] == "Skolen ligger ved fjorden."  # no English: bokmål
    assert body["universal_design"] == {
        "step_free_access": True,
        "accessible_toilet": True,
        "hearing_loop": False,
        "lift": False,
        "parking": None,
    }
    assert body["location"] == {
        "address": room.site.address,
        "latitude": "59.913900",
        "longitude": "10.752200",
        "map_url": "https://www.openstreetmap.org/?mlat=59.913900&mlon=10.752200#map=17/59.913900/10.752200",
    }
    assert [p["alt"] for p in body["photos"]] == ["Aulaen med scenen", "The entrance without steps"]
    assert all(
        p["thumbnail_url"].startswith("http://testserver/media/rooms/") for p in body["photos"]
    )
    nynorsk = client_for(None).get(f"/api/v1/rooms/{room.pk}/", HTTP_ACCEPT_LANGUAGE="nn").json()
    assert nynorsk["description"] == "Lyst rom med utsikt."


def test_the_room_page_shows_description_photos_facts_and_map_link(described, settings):
    room = described.room
    page = Client().get(f"/rooms/{room.pk}/").content.decode()
    assert "Lyst rom med utsikt." in page and "Skolen ligger ved fjorden." in page
    photo = room.photos.first()
    assert f'src="{photo.thumbnail.url}"' in page and 'alt="Aulaen med scenen"' in page
    assert f'href="{photo.image.url}"' in page
    assert "Trinnfri tilgang</dt>\n          <dd>Ja</dd>" in page
    assert "Teleslynge</dt>\n          <dd>Nei</dd>" in page
    assert "Tilrettelagt parkering</dt>\n          <dd>Ukjent</dd>" in page
    assert "https://www.openstreetmap.org/?mlat=59.913900&amp;mlon=10.752200" in page
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/rooms/{room.pk}/").content.decode()
    assert "A bright room with a view." in english
    assert "Step-free access</dt>\n          <dd>Yes</dd>" in english


def test_the_finder_shows_one_thumbnail_per_room(described):
    RoomFactory(site=described.room.site)
    page = Client().get("/rooms/").content.decode()
    assert page.count('class="thumb"') == 1
    assert described.room.photos.first().thumbnail.url in page


def test_without_coordinates_the_map_link_searches_for_the_address():
    site = Site(name="Torget", kind=Site.Kind.OTHER, address="Rådhusplassen 1, 0037 Oslo")
    assert (
        site.map_url
        == "https://www.openstreetmap.org/search?query=R%C3%A5dhusplassen+1%2C+0037+Oslo"
    )
    assert Site(name="x", kind=Site.Kind.OTHER).map_url == ""


def test_coordinates_are_checked_in_the_form_and_the_database(people):
    site = people.room.site
    site.latitude, site.longitude = Decimal("91"), Decimal("10")
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "latitude" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        site.save()
    site.latitude, site.longitude = Decimal("59.9"), None
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "longitude" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        site.save()


def test_the_migration_turns_facility_tags_into_facts(people):
    people.room.facilities.add(FacilityFactory(slug="wheelchair-access"))
    other = RoomFactory()
    other.facilities.add(FacilityFactory(slug="hearing-loop"))
    migration = importlib.import_module("booking.migrations.0013_room_and_site_information")
    migration.facts_from_facilities(apps, None)
    people.room.refresh_from_db()
    other.refresh_from_db()
    assert (people.room.step_free_access, people.room.hearing_loop) == (True, None)
    assert (other.step_free_access, other.hearing_loop) == (None, True)


def test_an_officer_adds_a_photo_in_the_admin_and_its_exif_is_gone(people):
    client = Client()
    people.olga.is_staff = True
    people.olga.save()
    grant = importlib.import_module("booking.migrations.0010_officer_permissions").grant
    grant(apps)
    importlib.import_module("booking.migrations.0013_room_and_site_information").grant_photos(
        apps, None
    )
    client.force_login(people.olga)
    url = f"/admin/booking/room/{people.room.pk}/change/"
    data = posted(client.get(url))
    data.update({"photos-0-alt_nb": "Scenen", "photos-0-order": "0"})
    data["photos-0-upload"] = upload(image_bytes(gps=True))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    photo = RoomPhoto.objects.get(room=people.room)
    assert photo.alt_nb == "Scenen"
    assert dict(Image.open(io.BytesIO(stored(photo.image.name))).getexif()) == {}

    data = posted(client.get(url))
    data.update({"photos-1-alt_nb": "Ikke et bilde", "photos-1-order": "1"})
    data["photos-1-upload"] = upload(b"not an image", name="x.jpg")
    response = client.post(url, data)
    assert response.status_code == 200  # the form names the error
    assert RoomPhoto.objects.count() == 1
