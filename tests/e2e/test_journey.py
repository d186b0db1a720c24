"""Issue 13's way in, end to end: a newcomer signs up, confirms the address from the mail,
registers a voluntary organisation from Enhetsregisteret, books a room for free, and invites
a second newcomer, who signs up, confirms, accepts and books for the same organisation.
Every page new in issue 13 is checked with axe, at 360 px and for touch targets."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from booking import roles
from booking.models import Booking, Membership, Organisation
from registry.importer import SAMPLE, import_units
from tests.conftest import next_weekday_at
from tests.e2e.conftest import visit
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

FOUNDER, JOINER = "turid@example.org", "petter@example.org"
PASSWORDS = {FOUNDER: "Husflid-på-Fjordvik-42", JOINER: "Vev-og-strikk-i-Ås-7"}
ORG_NUMBER, ORG_NAME = "100000059", "FJORDVIK HUSFLIDSLAG"  # registrertIFrivillighetsregisteret
EVENINGS = [(day, dt.time(16), dt.time(22)) for day in range(7)]
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)")
INVITATION_LINK = re.compile(r"https?://[^/\s]+(/organisations/invitations/[\w-]+/)")


def link_in_mail(to: str, pattern: re.Pattern) -> str:
    """The path of the link in the newest mail to ``to`` (sent before the page answered)."""
    letter = [m for m in mail.outbox if m.to == [to] and pattern.search(m.body)][-1]
    return pattern.search(letter.body).group(1)


def sign_up(page, email: str, name: str):
    """Fill in the sign-up page (already open) with email and password; not yet verified."""
    visit(page, f"journey-{name}-signup")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORDS[email])
    page.fill("#id_password2", PASSWORDS[email])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/signup/" not in url)
    user = get_user_model().objects.get(email=email)
    assert not roles.email_verified(user)
    return user


def confirm(page, user, name: str) -> None:
    """Open the link in the confirmation mail and confirm the address."""
    page.goto(link_in_mail(user.email, CONFIRM_LINK))
    visit(page, f"journey-{name}-confirm")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/confirm-email/" not in url)
    assert roles.email_verified(get_user_model().objects.get(pk=user.pk))


def book(page, room, organisation, start: dt.datetime, title: str) -> Booking:
    """Book two hours from ``start`` for the organisation; the price shown is 0 kr."""
    end = start + dt.timedelta(hours=2)
    page.goto(
        f"/rooms/{room.pk}/book/?start={start.replace(tzinfo=None).isoformat()}"
        f"&end={end.replace(tzinfo=None).isoformat()}"
    )
    assert page.locator("#id_organisation option:checked").inner_text() == organisation.name
    price = page.locator("[data-quote]")
    price.get_by_text("Pris: 0,00 kr").wait_for()
    assert "Gratis: frivillige organisasjoner" in price.inner_text()
    page.fill("#id_title", title)
    page.fill("#id_attendees", "12")
    page.locator("form[data-booking-form] button[value=book]").click()
    page.wait_for_url("**/bookings/*/")
    assert page.get_by_role("heading", name="Bookingen er bekreftet").is_visible()
    booking = Booking.objects.get(title=title)
    assert "0,00 kr (leiepris 1000,00 kr)" in page.locator("dl.facts").inner_text()
    assert (booking.start, booking.end, booking.status) == (start, end, "confirmed")
    assert booking.price == Decimal(0) and booking.full_price == Decimal(1000)
    return booking


def test_newcomers_sign_up_register_an_organisation_invite_and_book_for_free(new_page):
    import_units(SAMPLE)
    room = RoomFactory(name="Gymsal", hours=EVENINGS)  # a school: free for verified voluntary
    first_start, second_start = next_weekday_at(1, 18), next_weekday_at(3, 18)
    mail.outbox.clear()

    founder = new_page()
    founder.goto("/accounts/signup/")
    turid = sign_up(founder, FOUNDER, "founder")
    confirm(founder, turid, "founder")

    founder.goto("/organisations/new/")
    visit(founder, "journey-organisation-new")
    founder.fill("#id_organisation_number", f"{ORG_NUMBER[:3]} {ORG_NUMBER[3:6]} {ORG_NUMBER[6:]}")
    founder.locator("main button[type=submit]").click()
    founder.wait_for_url(re.compile(r"/organisations/\d+/$"))
    organisation = Organisation.objects.get(org_number=ORG_NUMBER)
    assert founder.url.endswith(f"/organisations/{organisation.pk}/")
    visit(founder, "journey-organisation")
    assert founder.locator("h1").inner_text() == ORG_NAME
    facts = founder.locator("dl.facts").inner_text()
    assert "Frivillig organisasjon" in facts and "ikke verifisert" not in facts
    assert "bekreftet som frivillig organisasjon" in founder.locator("body").inner_text()
    assert organisation.voluntary_verified
    assert Membership.objects.get(organisation=organisation).user == turid

    first = book(founder, room, organisation, first_start, "Strikkekafé")
    assert (first.organisation, first.booked_by) == (organisation, turid)

    founder.goto(f"/organisations/{organisation.pk}/")
    founder.get_by_role("link", name="Inviter noen").click()
    founder.wait_for_url(f"**/organisations/{organisation.pk}/invite/")
    visit(founder, "journey-organisation-invite")
    founder.fill("#id_email", JOINER)
    founder.locator("main form button[type=submit]").click()
    founder.wait_for_url(f"**/organisations/{organisation.pk}/")
    assert JOINER in founder.locator("main").inner_text()
    invitation_path = link_in_mail(JOINER, INVITATION_LINK)

    joiner = new_page()
    joiner.goto(invitation_path)  # not signed in: to the login page, which offers sign-up
    joiner.wait_for_url(lambda url: "/accounts/login/?next=" in url)
    visit(joiner, "journey-joiner-login")
    joiner.get_by_role("link", name="registrere deg").click()
    joiner.wait_for_url(lambda url: "/accounts/signup/?next=" in url)
    petter = sign_up(joiner, JOINER, "joiner")
    joiner.wait_for_url(f"**{invitation_path}")
    joiner.locator("main form button[type=submit]").click()
    joiner.get_by_role("heading", name="Bekreft e-postadressen din").wait_for()
    visit(joiner, "journey-joiner-unverified")
    assert not Membership.objects.filter(user=petter).exists()

    confirm(joiner, petter, "joiner")
    joiner.goto(invitation_path)
    joiner.get_by_role("heading", name=f"Bli med i {ORG_NAME}").wait_for()
    visit(joiner, "journey-invitation")
    joiner.locator("main form button[type=submit]").click()
    joiner.wait_for_url(f"**/organisations/{organisation.pk}/")
    visit(joiner, "journey-organisation-member")
    assert "(deg)" in joiner.locator("main").inner_text()
    membership = Membership.objects.get(organisation=organisation, user=petter)
    assert membership.role == Membership.Role.MEMBER

    second = book(joiner, room, organisation, second_start, "Vevkurs")
    assert (second.organisation, second.booked_by) == (organisation, petter)
    assert Booking.objects.filter(organisation=organisation).count() == 2
