"""My organisation in the browser: an administrator invites by email, the invitee opens
the link from the sent message, signs in, accepts and sees the organisation."""

import re

import pytest
from django.core import mail

from booking.models import Invitation, Membership
from tests.e2e.conftest import PASSWORD, log_in, visit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://[^/\s]+(/organisations/invitations/[\w-]+/)")


def test_an_admin_invites_and_the_invitee_accepts_from_the_email(people, new_page):
    organisation = people.org_a
    nina = UserFactory(username="nina", email="nina@example.org")
    mail.outbox.clear()

    admin = new_page()
    log_in(admin, "alice")
    admin.goto("/organisations/mine/")
    visit(admin, "my-organisations")
    admin.get_by_role("link", name=organisation.name).click()
    admin.wait_for_url(f"**/organisations/{organisation.pk}/")
    visit(admin, "organisation-admin")
    admin.get_by_role("link", name="Inviter noen").click()
    admin.wait_for_url("**/invite/")
    visit(admin, "organisation-invite")
    admin.fill("#id_email", "nina@example.org")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url(f"**/organisations/{organisation.pk}/")
    assert admin.locator(".message.success").is_visible()
    assert "nina@example.org" in admin.locator("main").inner_text()
    admin.goto(f"/organisations/{organisation.pk}/details/")
    visit(admin, "organisation-details")

    (letter,) = [m for m in mail.outbox if m.to == ["nina@example.org"]]
    path = LINK.search(letter.body).group(1)
    invitee = new_page()
    invitee.goto(path)
    invitee.wait_for_url("**/accounts/login/**")
    invitee.fill("#id_login", "nina")
    invitee.fill("#id_password", PASSWORD)
    invitee.locator("main button[type=submit]").click()
    invitee.wait_for_url(f"**{path}")
    visit(invitee, "invitation")
    invitee.locator("main form button[type=submit]").click()
    invitee.wait_for_url(f"**/organisations/{organisation.pk}/")
    visit(invitee, "organisation-member")
    assert invitee.locator("h1").inner_text() == organisation.name
    assert "(deg)" in invitee.locator("main").inner_text()
    assert Membership.objects.get(organisation=organisation, user=nina).role == "member"
    assert Invitation.objects.get().accepted_by == nina

    invitee.goto(path)  # the link works once
    assert "Invitasjonen kan ikke brukes" in invitee.locator("h1").inner_text()
    visit(invitee, "invitation-used")
    invitee.goto(f"/organisations/{organisation.pk}/leave/")
    visit(invitee, "organisation-leave")
    invitee.locator("main form button[type=submit]").click()
    invitee.wait_for_url("**/organisations/mine/")
    assert not Membership.objects.filter(organisation=organisation, user=nina).exists()
