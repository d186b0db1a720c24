"""Writing the public profile: who may, what is refused (naming the field, nothing
saved), the logo checked and re-encoded as room photos are."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from community.models import PublicProfile
from community.profiles import profile_logo_remove, profile_save
from tests.photos import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_admins_and_officers_may_write_it_members_and_others_may_not(people):
    profile_save(organisation=people.org_a, by=people.alice, activities="Sjakk")
    profile_save(organisation=people.org_a, by=people.olga, area="Ås")
    assert PublicProfile.objects.get(pk=people.org_a.pk).search_text == "sjakk as"
    for who in (people.bob, people.carl):  # a member of another organisation, a caretaker
        with pytest.raises(PermissionDenied):
            profile_save(organisation=people.org_a, by=who, activities="Tatt over")
    with pytest.raises(PermissionDenied):  # bob is a member of B, not its administrator
        profile_save(organisation=people.org_b, by=people.bob, activities="Korps")
    with pytest.raises(PermissionDenied):
        profile_logo_remove(organisation=people.org_b, by=people.bob)
    assert PublicProfile.objects.get(pk=people.org_a.pk).activities == "Sjakk"
    assert not PublicProfile.objects.filter(pk=people.org_b.pk).exists()


def test_the_profile_page_is_for_administrators(people):
    url = f"/organisations/{people.org_b.pk}/profile/"
    client = Client()
    assert client.get(url).status_code == 302  # to the login
    client.force_login(people.bob)  # a member, not an administrator
    assert client.get(url).status_code == 403
    assert client.post(url, {"activities": "Korps"}).status_code == 403
    client.force_login(people.alice)  # another organisation's administrator: not found
    assert client.get(url).status_code == 404
    assert client.post(url, {"activities": "Korps"}).status_code == 404
    assert not PublicProfile.objects.exists()
    client.force_login(people.olga)
    assert client.get(url).status_code == 200


def test_my_organisation_links_to_the_profile_and_the_old_address_moved(people):
    client = Client()
    client.force_login(people.alice)
    page = client.get(f"/organisations/{people.org_a.pk}/").content.decode()
    assert f"/organisations/{people.org_a.pk}/profile/" in page
    mine = client.get("/organisations/mine/")
    assert mine.status_code == 200 and people.org_a.name in mine.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "ftp://example.org/lag"),
        ("website", "https://" + "a" * 300 + ".no"),
        ("public_email", "ikke en adresse"),
        ("categories", ["sports", "darts"]),
        ("categories", "sports"),
        ("age_groups", ["babies"]),
        ("sites", [999_999]),
        ("activities", "x" * 301),
        ("how_to_join", "x" * 1001),
        ("show_phone", "yes"),
        ("calendar_token", "stolen"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(people, field, value):
    with pytest.raises(ValidationError) as refused:
        profile_save(organisation=people.org_a, by=people.alice,
                     **{"area": "Ås", field: value})  # fmt: skip
    assert field in refused.value.message_dict
    assert not PublicProfile.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "javascript:alert(1)"), ("website", "ftp://example.org/"),
     ("public_email", "nei"), ("categories", "darts"), ("sites", "999999"),
     ("activities", "x" * 301)],
)  # fmt: skip
def test_the_form_shows_the_error_by_the_field(people, field, value):
    client = Client()
    client.force_login(people.alice)
    response = client.post(f"/organisations/{people.org_a.pk}/profile/",
                           {"activities": "Sjakk", field: value})  # fmt: skip
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode() or (
        "error" in response.content.decode() and field in response.context["form"].errors
    )
    assert field in response.context["form"].errors
    assert not PublicProfile.objects.exists()


def test_the_form_saves_through_the_service(people):
    client = Client()
    client.force_login(people.alice)
    response = client.post(f"/organisations/{people.org_a.pk}/profile/", {
        "activities": "Sjakk, kurs", "categories": ["recreation", "education"],
        "age_groups": ["children"], "area": "Ås", "sites": [people.room.site.pk],
        "how_to_join": "Kom innom.", "website": "https://sjakk.example.org",
        "public_email": "post@sjakk.example.org", "show_phone": "on",
        "logo": upload(image_bytes("PNG", size=(900, 600)), name="logo.png",
                       content_type="image/png"),
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = PublicProfile.objects.get(pk=people.org_a.pk)
    assert profile.categories == ["recreation", "education"] and profile.show_phone
    assert list(profile.sites.all()) == [people.room.site]
    assert profile.logo and profile.logo_thumbnail and profile.logo_width == 900
    page = client.get(f"/organisations/{people.org_a.pk}/profile/").content.decode()
    assert profile.logo_thumbnail.url in page  # the preview


def test_the_logo_is_checked_re_encoded_and_removed_with_its_files(
    people, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as refused:
        profile_save(organisation=people.org_a, by=people.alice,
                     logo=upload(b"<svg onload=alert(1)>", name="logo.svg"))  # fmt: skip
    assert "logo" in refused.value.message_dict
    assert not PublicProfile.objects.exists()
    profile = profile_save(organisation=people.org_a, by=people.alice,
                           logo=upload(image_bytes(size=(1200, 800), gps=True)))  # fmt: skip
    with default_storage.open(profile.logo.name) as stored:
        assert not Image.open(stored).getexif()  # GPS gone
    with default_storage.open(profile.logo_thumbnail.name) as stored:
        assert Image.open(stored).width == 480
    names = [profile.logo.name, profile.logo_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        replaced = profile_save(organisation=people.org_a, by=people.alice,
                                logo=upload(image_bytes(size=(300, 300))))  # fmt: skip
    assert replaced.logo_width == 300
    assert not any(default_storage.exists(n) for n in names)  # the old files are gone
    names = [replaced.logo.name, replaced.logo_thumbnail.name]
    client = Client()
    client.force_login(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organisations/{people.org_a.pk}/profile/",
                               {"action": "remove-logo"})  # fmt: skip
    assert response.status_code == 302
    assert not PublicProfile.objects.get(pk=people.org_a.pk).logo
    assert not any(default_storage.exists(n) for n in names)
