"""A business books a paid room in the web form, pays on the (fake) Vipps MobilePay page
and comes back to a confirmed booking; the webhook goes to the live server over HTTP."""

import time

import pytest

from billing.models import Payment
from booking.models import Booking, Organisation
from booking.views.rooms import booking_link
from tests.conftest import next_weekday_at
from tests.e2e.conftest import log_in, visit
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, UserFactory
from tests.fakes.fixtures import fake_vipps  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def online(settings, live_server, fake_vipps):  # noqa: F811
    settings.SITE_URL = live_server.url
    fake_vipps.webhook_url = f"{live_server.url}/payments/vipps/webhook/"
    fake_vipps.deliver_over_http = True
    return fake_vipps


def test_business_books_pays_with_vipps_and_comes_back_confirmed(online, page):
    org = OrganisationFactory(name="Ås Bilpleie AS", category=Organisation.Category.COMMERCIAL)
    MembershipFactory(user=UserFactory(username="bea"), organisation=org)
    room = RoomFactory(name="Storsalen")
    start = next_weekday_at(2, 18)
    end = start.replace(hour=21)

    log_in(page, "bea")
    page.goto(booking_link(room, start, end))
    page.fill("#id_title", "Kundemøte")
    page.fill("#id_attendees", "20")
    page.locator("form[data-booking-form] button[type=submit]").click()
    page.wait_for_url("**/payments/booking/*/")
    booking = Booking.objects.get(title="Kundemøte")
    assert booking.awaits_payment
    assert "1500" in page.locator("main").inner_text().replace(" ", "").replace("\xa0", "")
    visit(page, "payment-pay")

    page.get_by_role("button", name="Betal med Vipps").click()
    page.wait_for_url(f"{online.url}/landing/**")
    page.get_by_role("button", name="Godkjenn").click()
    page.wait_for_url("**/payments/return/**")
    assert "Betalt" in page.locator("h1").inner_text()
    visit(page, "payment-return")

    booking.refresh_from_db()
    payment = Payment.objects.get(booking=booking)
    assert booking.status == Booking.Status.CONFIRMED
    assert payment.captured_ore == 150000
    assert online.captures[payment.reference] == [150000]  # the webhook and the poll: one capture
    # The webhooks (authorised, captured) reached the live server, signed, and were taken.
    deadline = time.monotonic() + 10
    while len(online.sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [w["status"] for w in online.sent] == [200, 200]
    page.get_by_role("link", name="Se bookingen").click()
    page.wait_for_url(f"**/bookings/{booking.pk}/")
    assert page.locator(".notice.ok").is_visible()
