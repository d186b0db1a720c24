"""Shared fixtures of the community tests: listed organisations with profiles, one that did
not opt in, and members whose own phones and email addresses must never be public."""

from types import SimpleNamespace

import pytest
from django.db import connection

from booking import memberships
from booking.models import Profile
from community.profiles import profile_save
from tests.factories import MembershipFactory, OrganisationFactory, SiteFactory, UserFactory

# Members' own contact details: none of these may appear in any public output.
PRIVATE = ["+4799887766", "99887766", "alice@example.org", "+4744556677", "bob@example.org",
           "nina@example.org", "+4741112222", "Kari Hemmelig"]  # fmt: skip
HIDDEN_NAME = "Skjult Bridgeklubb"

# Full-text, unaccent and trigram search are PostgreSQL's; SQLite falls back to icontains.
only_postgresql = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search"),
]


def give_contact(user, phone: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"phone": phone})


def opt_in(organisation, by, description: str = "") -> None:
    """What an administrator does on My organisation (booking's service)."""
    memberships.organisation_profile_update(
        organisation=organisation, by=by, in_directory=True, public_description=description
    )


@pytest.fixture
def directory_world(people):
    """Org A (chess, alice admin) and org B (band, bob member) listed with profiles, a
    handball club listed, and a bridge club with a profile that did NOT opt in."""
    give_contact(people.alice, "+4799887766")
    give_contact(people.bob, "+4744556677")
    nordby = SiteFactory(name="Nordby skole")
    people.org_a.contact_person = "Kari Hemmelig"  # a member's name: never public
    people.org_a.save(update_fields=["contact_person"])
    opt_in(people.org_a, people.alice, "Sjakk for alle i Ås, hver tirsdag.")
    profile_save(
        organisation=people.org_a, by=people.alice, activities="Sjakk, turneringer, kurs",
        categories=["recreation"], age_groups=["children", "adults"], area="Ås sentrum",
        sites=[people.room.site], how_to_join="Møt opp en tirsdag.",
        website="https://sjakk.example.org", public_email="post@sjakk.example.org",
    )  # fmt: skip
    opt_in(people.org_b, people.olga, "Skolekorps i Nordby.")
    profile_save(
        organisation=people.org_b, by=people.olga, activities="Korps, marsjering, konserter",
        categories=["culture"], age_groups=["youth"], area="Nordby", sites=[nordby],
        show_phone=True,
    )  # fmt: skip
    handball = OrganisationFactory(name="Ås Ballklubb")
    opt_in(handball, people.olga, "Ballspill for barn og unge.")
    profile_save(
        organisation=handball, by=people.olga, activities="Håndball og fotball",
        categories=["sports"], age_groups=["all"], area="Ås",
    )  # fmt: skip
    nina = UserFactory(username="nina", email="nina@example.org")
    give_contact(nina, "+4741112222")
    hidden = OrganisationFactory(name=HIDDEN_NAME, contact_phone="+4791234567")
    MembershipFactory(user=nina, organisation=hidden, role="admin")
    hidden.public_description = "Bridge hver onsdag."
    hidden.save(update_fields=["public_description"])
    profile_save(
        organisation=hidden, by=nina, activities="Bridge, korps, sjakk, håndball",
        categories=["recreation", "culture", "sports"], age_groups=["adults"], area="Ås",
        public_email="bridge@example.org", show_phone=True,
    )  # fmt: skip
    return SimpleNamespace(
        people=people, chess=people.org_a, band=people.org_b, handball=handball,
        hidden=hidden, nina=nina, nordby=nordby,
    )  # fmt: skip
