"""A member books a room at the innbyggertorg: the guidelines must be accepted first, and
the booking shows the version accepted. The room's prices are there before signing in."""

import datetime as dt

import pytest
from django.test import Client

from booking import services
from booking.guidelines import guidelines_publish
from booking.models import Booking, Site
from tests.conftest import next_weekday_at
from tests.e2e.conftest import check_accessibility, log_in, visit
from tests.factories import RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db(transaction=True)

RULES = (
    "Retningslinjer for lån og leie av lokaler på innbyggertorget\n\n"
    "1. Lokalet forlates ryddig.\n\n2. Alkohol er ikke tillatt."
)


@pytest.fixture
def torg(people):
    site = SiteFactory(name="Ås innbyggertorg", kind=Site.Kind.INNBYGGERTORG)
    people.torg_room = RoomFactory(site=site, name="Møterom Fjorden", hourly_price="200.00")
    services.opening_hours_set(
        room=people.torg_room, windows=[(d, dt.time(8), dt.time(22)) for d in range(7)]
    )
    people.guidelines = guidelines_publish(
        site=site, by=people.olga, text_nb=RULES, text_en="Guidelines: tidy up."
    )
    return people


def both_widths(page, name):
    visit(page, name)
    page.set_viewport_size({"width": 1280, "height": 800})
    check_accessibility(page)
    page.set_viewport_size({"width": 360, "height": 800})


def test_a_member_cannot_book_the_innbyggertorg_without_accepting_the_guidelines(torg, page):
    room = torg.torg_room
    page.goto(f"/rooms/{room.pk}/")
    prices = page.locator("section.prices")
    assert "Frivillig organisasjon, verifisert" in prices.inner_text()
    both_widths(page, "room-prices")

    start = next_weekday_at(1, 18)
    log_in(page, "alice")
    page.goto(f"/rooms/{room.pk}/book/?start={start:%Y-%m-%dT%H:%M}&end={start:%Y-%m-%d}T20:00")
    box = page.locator("#id_accept_guidelines")
    assert box.get_attribute("required") is not None
    assert page.evaluate(
        "() => document.querySelector('#id_accept_guidelines').validity.valueMissing"
    )
    assert not page.locator("details.guidelines-text, details .guidelines-text").is_visible()
    page.locator("details summary").click()
    assert "Alkohol er ikke tillatt" in page.locator("details").inner_text()
    both_widths(page, "booking-form-guidelines")

    page.fill("#id_title", "Sjakkturnering")
    page.fill("#id_attendees", "8")
    page.locator("form[data-booking-form] button[value=book]").click()
    page.wait_for_load_state()
    assert "/book/" in page.url
    assert (
        "Godta stedets retningslinjer" in page.locator("#id_accept_guidelines_error").inner_text()
    )
    assert not Booking.objects.exists()

    page.check("#id_accept_guidelines")
    page.locator("form[data-booking-form] button[value=book]").click()
    page.wait_for_url("**/bookings/*/")
    booking = Booking.objects.get(title="Sjakkturnering")
    assert booking.guidelines == torg.guidelines
    facts = page.locator("dl.facts").inner_text()
    assert "Retningslinjer godtatt" in facts and "Versjon 1" in facts
    both_widths(page, "booking-guidelines-accepted")

    page.locator("dl.facts a", has_text="Versjon 1").click()
    page.wait_for_url("**/guidelines/**")
    assert "Alkohol er ikke tillatt" in page.locator("main").inner_text()
    both_widths(page, "site-guidelines")


def test_the_server_refuses_a_form_that_bypasses_the_checkbox(torg):
    client = Client()
    client.force_login(torg.alice)
    start = next_weekday_at(2, 18)
    form = {
        "organisation": torg.org_a.pk, "date": start.date().isoformat(), "start_time": "18:00",
        "end_time": "20:00", "title": "Uten avkryssing", "attendees": "8", "action": "book",
    }  # fmt: skip
    response = client.post(f"/rooms/{torg.torg_room.pk}/book/", form)
    assert response.status_code == 400
    assert 'id="id_accept_guidelines_error"' in response.content.decode()
    assert not Booking.objects.exists()
