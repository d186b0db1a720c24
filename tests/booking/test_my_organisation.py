"""My organisation: members and roles, invitations by email, leaving, its own record.

The cast (tests/conftest.py): alice is the administrator of org A, bob a member of org B,
olga an officer. Another organisation's id is a 404; what only administrators may do is
a 403 for the other members; bad input is a 400 naming the field and saves nothing.
"""

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from booking import memberships
from booking.models import Invitation, Membership, Organisation, Profile
from notifications.models import Message
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/organisations/invitations/([\w-]+)/")


@pytest.fixture
def nina(people):
    """A plain member of org A."""
    nina = UserFactory(username="nina", email="nina@example.org")
    MembershipFactory(user=nina, organisation=people.org_a, role=Membership.Role.MEMBER)
    return nina


def _api(people, path=""):
    return f"/api/v1/organisations/{people.org_a.pk}/{path}"


def _member(people, user):
    return Membership.objects.get(organisation=people.org_a, user=user)


def _database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _problem(key: str) -> str:
    """What a refused link says, in the pages' default language (bokmål)."""
    with translation.override("nb"):
        return str(memberships.PROBLEMS[key])


def _invite(people, client_for, capture, email="new@example.org", role="member"):
    """alice invites; returns the link's token as read from the sent email."""
    mail.outbox.clear()
    with capture(execute=True):
        response = client_for(people.alice).post(
            _api(people, "invitations/"), {"email": email, "role": role}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert "token" not in response.json()
    (letter,) = [m for m in mail.outbox if m.to == [email]]
    return LINK.search(letter.body).group(1), letter


# Members and roles


def test_members_see_the_members_and_their_roles_strangers_get_404(people, nina, client_for):
    listed = client_for(nina).get(_api(people, "members/"))
    assert {(m["username"], m["role"]) for m in listed.json()} == {
        ("alice", "admin"),
        ("nina", "member"),
    }
    assert client_for(people.bob).get(_api(people, "members/")).status_code == 404
    assert client_for(people.bob).get(_api(people)).status_code == 404
    assert client_for(people.olga).get(_api(people, "members/")).status_code == 200


def test_admins_change_roles_members_may_not_strangers_get_404(people, nina, client_for):
    url = _api(people, f"members/{_member(people, nina).pk}/")
    assert client_for(nina).patch(url, {"role": "admin"}, format="json").status_code == 403
    assert client_for(people.bob).patch(url, {"role": "admin"}, format="json").status_code == 404
    assert _member(people, nina).role == "member"
    made = client_for(people.alice).patch(url, {"role": "admin"}, format="json")
    assert made.status_code == 200 and made.json()["role"] == "admin"
    bad = client_for(people.alice).patch(url, {"role": "owner"}, format="json")
    assert bad.status_code == 400 and "role" in bad.json()


def test_the_last_admin_cannot_step_down_but_can_hand_over(people, nina, client_for):
    alice_url = _api(people, f"members/{_member(people, people.alice).pk}/")
    refused = client_for(people.alice).patch(alice_url, {"role": "member"}, format="json")
    assert refused.status_code == 400 and "role" in refused.json()
    assert _member(people, people.alice).role == "admin"
    nina_url = _api(people, f"members/{_member(people, nina).pk}/")
    made = client_for(people.alice).patch(nina_url, {"role": "admin"}, format="json")
    assert made.status_code == 200
    stepped = client_for(people.alice).patch(alice_url, {"role": "member"}, format="json")
    assert stepped.status_code == 200
    admins = people.org_a.memberships.filter(role="admin")
    assert list(admins.values_list("user__username", flat=True)) == ["nina"]


def test_admins_remove_members_not_the_last_admin(people, nina, client_for):
    nina_url = _api(people, f"members/{_member(people, nina).pk}/")
    alice_url = _api(people, f"members/{_member(people, people.alice).pk}/")
    assert client_for(nina).delete(alice_url).status_code == 403
    assert client_for(people.bob).delete(nina_url).status_code == 404
    last = client_for(people.alice).delete(alice_url)
    assert last.status_code == 400 and "membership" in last.json()
    assert client_for(people.alice).delete(nina_url).status_code == 204
    assert not people.org_a.memberships.filter(user=nina).exists()
    assert client_for(people.alice).delete(nina_url).status_code == 404


def test_leaving(people, nina, client_for):
    assert client_for(people.bob).post(_api(people, "leave/")).status_code == 404
    only_admin = client_for(people.alice).post(_api(people, "leave/"))
    assert only_admin.status_code == 400 and "membership" in only_admin.json()
    assert client_for(nina).post(_api(people, "leave/")).status_code == 204
    assert not people.org_a.memberships.filter(user=nina).exists()
    assert client_for(type(nina).objects.get(pk=nina.pk)).get(_api(people)).status_code == 404


# Invitations


def test_an_invitation_is_emailed_once_and_only_its_digest_is_stored(
    people, client_for, django_capture_on_commit_callbacks
):
    token, letter = _invite(people, client_for, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(email="new@example.org")
    assert invitation.token_digest == memberships.token_digest(token) != token
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)
    message = Message.objects.get(template="organisation_invitation")
    assert message.recipient == "new@example.org" and message.status == "sent"
    assert "Ås Sjakklubb" in letter.subject
    assert token not in _database_dump()  # not in the invitation, not in the outbox row


def test_the_invitation_speaks_the_inviters_language_from_one_template(
    people, client_for, django_capture_on_commit_callbacks
):
    """One template file per message; its texts go through gettext."""
    _token, letter = _invite(people, client_for, django_capture_on_commit_callbacks)
    assert "Invitation to" not in letter.subject and "Invitasjon til" in letter.subject
    assert "Lenken virker én gang" in letter.body
    Profile.objects.update_or_create(user=people.alice, defaults={"language": "en"})
    people.alice.refresh_from_db()
    _token, english = _invite(
        people, client_for, django_capture_on_commit_callbacks, email="other@example.org"
    )
    assert english.subject.startswith("Invitation to") and "The link works once" in english.body


def test_accepting_makes_you_a_member_once(people, client_for, django_capture_on_commit_callbacks):
    token, _letter = _invite(people, client_for, django_capture_on_commit_callbacks)
    newcomer = UserFactory(username="newcomer", email="someone-else@example.org")
    accept = "/api/v1/organisations/invitations/accept/"
    accepted = client_for(newcomer).post(accept, {"token": token}, format="json")
    assert accepted.status_code == 201
    assert accepted.json() == {"organisation": people.org_a.pk, "name": "Ås Sjakklubb",
                               "role": "member"}  # fmt: skip
    assert _member(people, newcomer).role == "member"
    other = UserFactory(username="other")
    again = client_for(other).post(accept, {"token": token}, format="json")
    assert again.status_code == 400 and again.json()["token"] == [_problem("used")]
    assert not people.org_a.memberships.filter(user=other).exists()
    assert client_for(None).post(accept, {"token": token}, format="json").status_code == 401


def test_an_invitation_as_administrator(people, client_for, django_capture_on_commit_callbacks):
    token, letter = _invite(people, client_for, django_capture_on_commit_callbacks, role="admin")
    assert "administrator" in letter.body
    newcomer = UserFactory(username="newcomer")
    memberships.invitation_accept(token=token, by=newcomer)
    assert _member(people, newcomer).role == "admin"


@pytest.mark.parametrize("state", ["expired", "withdrawn", "unknown"])
def test_an_expired_withdrawn_or_unknown_link_is_a_400_and_a_clear_page(
    people, client_for, django_capture_on_commit_callbacks, client, state
):
    token, _letter = _invite(people, client_for, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    elif state == "withdrawn":
        withdrawn = client_for(people.alice).delete(_api(people, f"invitations/{invitation.pk}/"))
        assert withdrawn.status_code == 204
    else:
        token = token[:-4] + "AAAA"
    newcomer = UserFactory(username="newcomer")
    accept = "/api/v1/organisations/invitations/accept/"
    refused = client_for(newcomer).post(accept, {"token": token}, format="json")
    assert refused.status_code == 400 and refused.json()["token"] == [_problem(state)]
    client.force_login(newcomer)
    page = client.get(f"/organisations/invitations/{token}/")
    assert page.status_code == 400
    assert "Invitasjonen kan ikke brukes" in page.content.decode()
    assert _problem(state) in page.content.decode().replace("&#x27;", "'")
    assert client.post(f"/organisations/invitations/{token}/").status_code == 400
    assert not people.org_a.memberships.filter(user=newcomer).exists()


def test_only_admins_invite_and_withdraw(
    people, nina, client_for, django_capture_on_commit_callbacks
):
    body = {"email": "x@example.org", "role": "member"}
    url = _api(people, "invitations/")
    assert client_for(nina).post(url, body, format="json").status_code == 403
    assert client_for(nina).get(url).status_code == 403
    assert client_for(people.bob).post(url, body, format="json").status_code == 404
    assert not Invitation.objects.exists()
    _invite(people, client_for, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    listed = client_for(people.alice).get(_api(people, "invitations/")).json()
    assert [i["email"] for i in listed] == ["new@example.org"]
    url = _api(people, f"invitations/{invitation.pk}/")
    assert client_for(nina).delete(url).status_code == 403
    assert client_for(people.bob).delete(url).status_code == 404
    assert client_for(people.alice).delete(url).status_code == 204
    twice = client_for(people.alice).delete(url)
    assert twice.status_code == 400 and "invitation" in twice.json()
    assert client_for(people.alice).get(_api(people, "invitations/")).json() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "role": "member"}, "email"),
        ({"email": "", "role": "member"}, "email"),
        ({"email": "alice@example.org", "role": "member"}, "email"),  # already a member
        ({"email": "x@example.org", "role": "owner"}, "role"),
        ({"email": ["x@example.org"], "role": "member"}, "email"),
    ],
)
def test_a_bad_invitation_is_400_naming_the_field(people, client_for, body, field):
    response = client_for(people.alice).post(_api(people, "invitations/"), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Invitation.objects.exists() and not Message.objects.exists()


def test_a_new_invitation_to_the_same_address_replaces_the_open_one(
    people, client_for, django_capture_on_commit_callbacks
):
    first, _ = _invite(people, client_for, django_capture_on_commit_callbacks)
    second, _ = _invite(people, client_for, django_capture_on_commit_callbacks)
    assert first != second
    newcomer = UserFactory(username="newcomer")
    with pytest.raises(ValidationError, match=_problem("withdrawn")):
        memberships.invitation_accept(token=first, by=newcomer)
    memberships.invitation_accept(token=second, by=newcomer)


# The organisation's own record


def test_admins_patch_contact_invoice_and_directory(people, client_for):
    changes = {
        "contact_person": "Kari Nordmann",
        "contact_phone": "912 34 567",
        "invoice_address": "Postboks 1\n1430 Ås",
        "invoice_reference": "Prosjekt 42",
        "in_directory": True,
        "public_description": "Sjakk hver tirsdag for alle aldre.",
    }
    response = client_for(people.alice).patch(_api(people), changes, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contact_phone"] == "+4791234567"
    assert response.json()["in_directory"] is True
    organisation = Organisation.objects.get(pk=people.org_a.pk)
    assert organisation.contact_phone == "+4791234567"
    assert organisation.invoice_reference == "Prosjekt 42"
    swedish = client_for(people.alice).patch(
        _api(people), {"contact_phone": "+46 70 123 45 67"}, format="json"
    )
    assert swedish.json()["contact_phone"] == "+46701234567"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contact_phone": "12"}, "contact_phone"),
        ({"contact_phone": "ring meg"}, "contact_phone"),
        ({"contact_phone": "+47 123"}, "contact_phone"),
        ({"contact_phone": "9" * 40}, "contact_phone"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"in_directory": "perhaps"}, "in_directory"),
        ({"public_description": "x" * 501}, "public_description"),
        ({"invoice_reference": "x" * 101}, "invoice_reference"),
    ],
)
def test_bad_details_are_400_naming_the_field_and_save_nothing(people, client_for, body, field):
    before = Organisation.objects.values().get(pk=people.org_a.pk)
    response = client_for(people.alice).patch(_api(people), body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Organisation.objects.values().get(pk=people.org_a.pk) == before


def test_only_admins_and_officers_change_the_details(people, nina, client_for):
    body = {"contact_person": "Noen"}
    assert client_for(nina).patch(_api(people), body, format="json").status_code == 403
    assert client_for(people.bob).patch(_api(people), body, format="json").status_code == 404
    assert client_for(None).patch(_api(people), body, format="json").status_code == 401
    assert Organisation.objects.get(pk=people.org_a.pk).contact_person == ""
    assert client_for(people.olga).patch(_api(people), body, format="json").status_code == 200


def test_the_service_checks_who_may_itself(people, nina):
    """The web, the API and the admin cannot differ: the services refuse."""
    from django.core.exceptions import PermissionDenied

    from booking import organisations

    with pytest.raises(PermissionDenied):
        memberships.organisation_profile_update(organisation=people.org_a, by=nina,
                                                contact_person="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        memberships.invitation_create(organisation=people.org_a, by=nina, email="a@b.no")
    with pytest.raises(PermissionDenied):
        organisations.membership_remove(membership=_member(people, people.alice), by=nina)
    with pytest.raises(PermissionDenied):
        organisations.membership_set_role(membership=_member(people, nina), role="admin",
                                          by=people.bob)  # fmt: skip


# The pages


def test_the_page_shows_members_to_members_and_is_404_to_strangers(people, nina, client):
    client.force_login(nina)
    page = client.get(f"/organisations/{people.org_a.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ås Sjakklubb" in html and people.alice.get_full_name() in html
    assert f"/organisations/{people.org_a.pk}/invite/" not in html  # not an admin
    assert client.get(f"/organisations/{people.org_a.pk}/invite/").status_code == 403
    assert client.get(f"/organisations/{people.org_a.pk}/details/").status_code == 403
    client.force_login(people.bob)
    for path in ("", "invite/", "details/", "leave/"):
        assert client.get(f"/organisations/{people.org_a.pk}/{path}").status_code == 404


def test_leaving_on_the_web_asks_first(people, nina, client):
    client.force_login(nina)
    url = f"/organisations/{people.org_a.pk}/leave/"
    asked = client.get(url)
    assert asked.status_code == 200 and 'method="post"' in asked.content.decode()
    assert people.org_a.memberships.filter(user=nina).exists()
    assert client.post(url).status_code == 302
    assert not people.org_a.memberships.filter(user=nina).exists()


def test_removing_and_withdrawing_on_the_web_ask_first(
    people, nina, client, django_capture_on_commit_callbacks
):
    client.force_login(people.alice)
    remove = f"/organisations/{people.org_a.pk}/members/{_member(people, nina).pk}/remove/"
    assert client.get(remove).status_code == 200
    assert people.org_a.memberships.filter(user=nina).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/organisations/{people.org_a.pk}/invite/",
                           {"email": "ny@example.org", "role": "member"})  # fmt: skip
    assert sent.status_code == 302
    invitation = Invitation.objects.get(email="ny@example.org")
    withdraw = f"/organisations/{people.org_a.pk}/invitations/{invitation.pk}/withdraw/"
    assert client.get(withdraw).status_code == 200
    assert Invitation.objects.get().withdrawn_at is None
    client.post(withdraw)
    client.post(remove)
    assert Invitation.objects.get().withdrawn_at is not None
    assert not people.org_a.memberships.filter(user=nina).exists()


def test_the_details_form_names_a_bad_phone(people, client):
    client.force_login(people.alice)
    url = f"/organisations/{people.org_a.pk}/details/"
    bad = client.post(url, {"contact_phone": "12", "contact_person": "Kari"})
    assert bad.status_code == 400
    assert 'id="id_contact_phone_error"' in bad.content.decode()
    assert Organisation.objects.get(pk=people.org_a.pk).contact_person == ""
    good = client.post(url, {"contact_phone": "91234567", "contact_person": "Kari"})
    assert good.status_code == 302
    assert Organisation.objects.get(pk=people.org_a.pk).contact_phone == "+4791234567"


def test_the_last_admin_is_told_on_the_page(people, client):
    client.force_login(people.alice)
    left = client.post(f"/organisations/{people.org_a.pk}/leave/", follow=True)
    assert people.org_a.memberships.filter(user=people.alice, role="admin").exists()
    assert left.status_code == 200 and "administrator" in left.content.decode().lower()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/organisations/invitations/accept/", {}, "token"),
        ("post", "/api/v1/organisations/invitations/accept/", {"token": ["x"]}, "token"),
        ("post", "/api/v1/organisations/invitations/accept/", {"token": "x" * 300}, "token"),
        ("patch", "members/{alice}/", {}, "role"),
        ("patch", "members/{alice}/", {"role": ["admin"]}, "role"),
        ("patch", "", ["contact_phone"], "non_field_errors"),
        ("post", "invitations/", {"role": "member"}, "email"),
    ],
)
def test_odd_input_is_a_400_naming_the_field_never_a_500(
    people, client_for, method, path, body, field
):
    if not path.startswith("/"):
        path = _api(people, path.format(alice=_member(people, people.alice).pk))
    response = getattr(client_for(people.alice), method)(path, body, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_an_invitation_waits_until_the_invitee_has_confirmed_their_email(
    people, client_for, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    token, _letter = _invite(people, client_for, django_capture_on_commit_callbacks)
    newcomer = UserFactory(username="newcomer", email="new@example.org")
    address = EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=False)
    accept = "/api/v1/organisations/invitations/accept/"
    refused = client_for(newcomer).post(
        accept, {"token": token}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 403
    assert "Confirm your email address" in refused.json()["detail"]
    assert not people.org_a.memberships.filter(user=newcomer).exists()
    address.verified = True
    address.save()
    assert client_for(newcomer).post(accept, {"token": token}, format="json").status_code == 201
