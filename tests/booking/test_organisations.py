import pytest
from django.utils import timezone

from booking.models import Membership, Organisation
from registry.models import Unit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_registering_an_organisation_makes_you_its_admin_and_unverified(people, client_for):
    # In Enhetsregisteret (the local copy), not in Frivillighetsregisteret.
    Unit.objects.create(org_number="974760673", name="Ås Turlag", imported_at=timezone.now())
    response = client_for(people.bob).post(
        "/api/v1/organisations/",
        {
            "name": "Ås Turlag",
            "org_number": "974760673",
            "category": "voluntary",
            "voluntary_verified": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["voluntary_verified"] is False
    assert response.json()["my_role"] == "admin"
    organisation = Organisation.objects.get(name="Ås Turlag")
    assert Membership.objects.get(organisation=organisation).user == people.bob


@pytest.mark.parametrize("number", ["974760674", "12345678", "abcdefghi"])
def test_a_wrong_organisation_number_is_400_and_saves_nothing(people, client_for, number):
    before = Organisation.objects.count()
    response = client_for(people.bob).post(
        "/api/v1/organisations/",
        {"name": "Feil", "org_number": number, "category": "voluntary"},
        format="json",
    )
    assert response.status_code == 400
    assert "org_number" in response.json()
    assert Organisation.objects.count() == before


def test_members_are_listed_for_members_and_added_by_admins_only(people, client_for):
    url = f"/api/v1/organisations/{people.org_a.pk}/members/"
    listed = client_for(people.alice).get(url)
    assert [m["username"] for m in listed.json()] == ["alice"]
    assert client_for(people.bob).get(url).status_code == 404
    newcomer = UserFactory(username="nina")
    added = client_for(people.alice).post(
        url, {"username": "nina", "role": "member"}, format="json"
    )
    assert added.status_code == 201
    assert Membership.objects.filter(user=newcomer, organisation=people.org_a).exists()
    again = client_for(people.alice).post(
        url, {"username": "nina", "role": "member"}, format="json"
    )
    assert again.status_code == 400 and "username" in again.json()
    as_member = client_for(newcomer).post(url, {"username": "bob", "role": "admin"}, format="json")
    assert as_member.status_code == 403
    assert not Membership.objects.filter(user=people.bob, organisation=people.org_a).exists()


def test_organisation_list_is_your_own_and_everything_for_officers(people, client_for):
    mine = client_for(people.alice).get("/api/v1/organisations/").json()["results"]
    assert [o["name"] for o in mine] == ["Ås Sjakklubb"]
    everything = client_for(people.olga).get("/api/v1/organisations/").json()["results"]
    assert {o["name"] for o in everything} == {"Ås Sjakklubb", "Nordby Korps"}
    assert client_for(None).get("/api/v1/organisations/").status_code == 401


@pytest.mark.parametrize(
    "phone, stored", [("912 34 567", "+4791234567"), ("+46 70 123 45 67", "+46701234567")]
)
def test_a_registered_organisations_phone_is_kept_in_e164(people, client_for, phone, stored):
    response = client_for(people.bob).post(
        "/api/v1/organisations/",
        {"name": "Korpset", "category": "voluntary", "contact_phone": phone},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Organisation.objects.get(name="Korpset").contact_phone == stored


@pytest.mark.parametrize("phone", ["ring meg", "12", "9" * 40])
def test_a_registered_organisations_bad_phone_is_400_and_saves_nothing(people, client_for, phone):
    before = Organisation.objects.count(), Membership.objects.count()
    response = client_for(people.bob).post(
        "/api/v1/organisations/",
        {"name": "Korpset", "category": "voluntary", "contact_phone": phone},
        format="json",
    )
    assert response.status_code == 400
    assert "contact_phone" in response.json()
    assert (Organisation.objects.count(), Membership.objects.count()) == before
