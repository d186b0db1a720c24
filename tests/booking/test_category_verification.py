"""A category that the price rules favour (municipal, voluntary) counts only once a booking
officer has verified it; until then the organisation is priced as ``other`` and waits in
the officers' verification queue with what it claims."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from booking import organisations
from booking.models import Organisation, PriceRule
from booking.pricing import quote_price
from booking.selectors import categories_needing_verification, organisations_awaiting_verification
from tests.conftest import next_weekday_at
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"
AWAITING = "/api/v1/organisations/?awaiting_verification=true"


def book(client, room, organisation_id, start):
    body = {
        "room": room.pk, "organisation": organisation_id, "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(), "title": "Møte", "attendees": 4,
    }  # fmt: skip
    response = client.post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_self_declared_municipal_unit_pays_full_price_until_an_officer_verifies_it(
    people, client_for
):
    bob, olga = client_for(people.bob), client_for(people.olga)
    registered = bob.post(
        ORGANISATIONS,
        {"name": "Kommunen (ikke)", "category": "municipal"},
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    assert registered.json()["category_verified"] is False
    pk = registered.json()["id"]
    # What costs money is invoiced (My organisation's invoice address, PATCHed elsewhere).
    Organisation.objects.filter(pk=pk).update(invoice_address="Rådhuset, 1430 Ås")

    before = book(bob, people.room, pk, next_weekday_at(1, 18))
    assert before["price"] == before["full_price"] == "1000.00"
    assert "venter på verifisering som kommunal enhet" in before["price_reasons"][0]

    waiting = olga.get(AWAITING).json()["results"]
    assert [(o["id"], o["category"], o["category_verified"]) for o in waiting] == [
        (pk, "municipal", False)
    ]
    page = client_for(None)
    page.force_login(people.olga)
    queue = page.get("/organisations/awaiting/").content.decode()
    assert "Kommunen (ikke)" in queue and "Kommunal enhet" in queue

    assert bob.post(f"{ORGANISATIONS}{pk}/verify/").status_code == 403
    verified = olga.post(f"{ORGANISATIONS}{pk}/verify/", {"category": "municipal"}, format="json")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["category_verified"] is True
    assert olga.get(AWAITING).json()["results"] == []

    after = book(bob, people.room, pk, next_weekday_at(2, 18))
    assert after["price"] == "0.00"
    assert "kommunale enheter" in after["price_reasons"][0]
    # The booking made before the verification keeps the price it was made with.
    assert bob.get(f"/api/v1/bookings/{before['id']}/").json()["price"] == "1000.00"


def test_verifying_on_the_web_confirms_the_claim_the_officer_was_shown(people, client):
    claimant = OrganisationFactory(name="Ås Turlag", category="voluntary", voluntary_verified=False)
    client.force_login(people.olga)
    assert "Ås Turlag" in client.get("/organisations/awaiting/").content.decode()
    Organisation.objects.filter(pk=claimant.pk).update(category="municipal")  # changed since

    url = f"/organisations/{claimant.pk}/verify/"
    client.post(url, {"category": "voluntary"})
    claimant.refresh_from_db()
    assert not claimant.category_verified

    client.post(url, {"category": "municipal"})
    claimant.refresh_from_db()
    assert claimant.category_verified and claimant.verified_category == "municipal"
    assert claimant.verified_by == people.olga and claimant.verified_at is not None
    client.force_login(people.alice)
    assert client.post(url, {"category": "municipal"}).status_code == 403


def test_only_officers_verify_and_a_changed_claim_is_not_verified(people):
    claimant = OrganisationFactory(category="municipal", voluntary_verified=False)
    with pytest.raises(PermissionDenied):
        organisations.organisation_verify(organisation=claimant, by=people.alice)
    with pytest.raises(ValidationError) as caught:
        organisations.organisation_verify(organisation=claimant, by=people.olga, category="other")
    assert "category" in caught.value.message_dict
    claimant.refresh_from_db()
    assert not claimant.category_verified


def test_changing_the_category_drops_the_verification(people, school_room_quote):
    quote = school_room_quote
    voluntary = OrganisationFactory(category="voluntary", voluntary_verified=True)
    assert quote(voluntary).price == Decimal("0.00")

    organisations.organisation_update(organisation=voluntary, by=people.olga, category="municipal")
    assert not voluntary.category_verified
    assert quote(voluntary).price == quote(voluntary).full_price
    assert voluntary in organisations_awaiting_verification()
    organisations.organisation_update(organisation=voluntary, by=people.olga, category="voluntary")
    assert not voluntary.category_verified  # changing it back does not restore it
    assert quote(voluntary).price == quote(voluntary).full_price

    # However the category changes, a verification of another one does not count.
    Organisation.objects.filter(pk=voluntary.pk).update(verified_category="voluntary")
    voluntary.refresh_from_db()
    voluntary.category = "municipal"
    voluntary.save()
    assert not voluntary.category_verified
    assert quote(voluntary).price == quote(voluntary).full_price


def test_the_services_refuse_what_only_an_officer_may_do(people):
    with pytest.raises(PermissionDenied):
        organisations.organisation_update(organisation=people.org_b, by=people.alice, name="x")
    with pytest.raises(ValidationError) as caught:
        organisations.organisation_update(
            organisation=people.org_a, by=people.alice, verified_category="municipal"
        )
    assert "verified_category" in caught.value.message_dict
    made = organisations.organisation_create(
        by=people.alice, name="Nytt lag", category="municipal", verified_category="municipal",
        voluntary_verified=True,
    )  # fmt: skip
    assert not made.category_verified


@pytest.fixture
def school_room_quote(people):
    def quote(organisation, children_and_youth=False):
        start = next_weekday_at(1, 18)
        return quote_price(
            room=people.room, organisation=organisation, start=start,
            end=start + dt.timedelta(hours=2), children_and_youth=children_and_youth,
        )  # fmt: skip

    return quote


def test_unverified_bookers_get_what_other_gets_and_commercial_nothing_more(school_room_quote):
    quote = school_room_quote
    for category in ("voluntary", "municipal"):
        unverified = OrganisationFactory(category=category, voluntary_verified=False)
        assert quote(unverified).price == quote(unverified).full_price
        assert quote(unverified, children_and_youth=True).price == Decimal("0.00")  # as other
    commercial = OrganisationFactory(category="commercial", voluntary_verified=False)
    assert quote(commercial, children_and_youth=True).price == quote(commercial).full_price


def test_the_price_rules_say_which_categories_wait_for_verification():
    assert categories_needing_verification() == ["voluntary", "municipal"]
    municipal = OrganisationFactory(category="municipal", voluntary_verified=False)
    commercial = OrganisationFactory(category="commercial", voluntary_verified=False)
    assert list(organisations_awaiting_verification()) == [municipal]

    PriceRule.objects.filter(name="Kommunale enheter").update(active=False)
    PriceRule.objects.filter(name="Barn og unge").update(booker_kinds=["voluntary", "other"])
    PriceRule.objects.create(
        order=5, name="Næring", booker_kinds=["commercial"], effect="percent_off",
        percent_off=10, reason_nb="x", reason_en="x",
    )  # fmt: skip
    assert categories_needing_verification() == ["voluntary", "commercial"]
    assert list(organisations_awaiting_verification()) == [commercial]


@pytest.fixture
def admin_olga(people, client):
    people.olga.is_staff = True
    people.olga.save()
    people.olga.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["change_organisation", "view_organisation", "add_organisation",
                          "add_membership", "change_membership", "delete_membership",
                          "view_membership"]
        )
    )  # fmt: skip
    client.force_login(people.olga)
    return client


def organisation_form(organisation, **changes):
    form = {
        "name": organisation.name, "org_number": organisation.org_number,
        "category": organisation.category, "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }  # fmt: skip
    form.update(changes)
    return form


def test_a_category_changed_in_the_admin_drops_the_verification(people, admin_olga):
    organisation = people.org_b
    assert organisation.category_verified
    url = f"/admin/booking/organisation/{organisation.pk}/change/"
    memberships = {
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": str(organisation.memberships.get().pk),
        "memberships-0-organisation": str(organisation.pk),
        "memberships-0-user": str(people.bob.pk), "memberships-0-role": "member",
    }  # fmt: skip
    response = admin_olga.post(url, organisation_form(organisation, category="municipal",
                                                      **memberships))  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.category == "municipal" and not organisation.category_verified

    changelist = "/admin/booking/organisation/"
    verify = {"action": "verify", "_selected_action": [organisation.pk]}
    assert admin_olga.post(changelist, verify).status_code == 302
    organisation.refresh_from_db()
    assert organisation.category_verified


def test_the_admin_verify_action_is_for_officers_only(people, client):
    people.carl.is_staff = True
    people.carl.save()
    people.carl.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_organisation", "view_organisation"])
    )
    client.force_login(people.carl)
    waiting = OrganisationFactory(category="municipal", voluntary_verified=False)
    page = client.get("/admin/booking/organisation/")
    assert page.status_code == 200
    action_form = page.context["action_form"]
    assert action_form is None or "verify" not in dict(action_form.fields["action"].choices)
    client.post("/admin/booking/organisation/", {"action": "verify",
                                                 "_selected_action": [waiting.pk]})  # fmt: skip
    waiting.refresh_from_db()
    assert not waiting.category_verified


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_verified_organisations_verified_and_queues_the_rest():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("booking", "0007_caretaking_and_calendar_links")],
        [("booking", "0008_category_verification")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("booking", "Organisation")
    rows = {
        name: old.objects.create(name=name, category=category, voluntary_verified=verified).pk
        for name, category, verified in [
            ("Frivillig verifisert", "voluntary", True),
            ("Frivillig", "voluntary", False),
            ("Kommunal", "municipal", False),
        ]
    }
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    # The model as of the migration: later migrations add columns the current one reads.
    new = executor.loader.project_state(after).apps.get_model("booking", "Organisation")
    verified = {}
    for name, pk in rows.items():
        claimed, confirmed = new.objects.values_list("category", "verified_category").get(pk=pk)
        verified[name] = bool(confirmed) and confirmed == claimed
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())  # later tests need every migration
    assert verified == {"Frivillig verifisert": True, "Frivillig": False, "Kommunal": False}
    assert PriceRule.objects.filter(name="Kommunal enhet, ikke verifisert").exists()
