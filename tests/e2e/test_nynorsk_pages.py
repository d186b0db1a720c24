"""The whole journey in nynorsk: chosen with the language switch, no bokmål or English left."""

import datetime as dt
import re

import pytest

from booking import services
from booking.models import Booking
from tests.conftest import next_weekday_at
from tests.e2e.conftest import PASSWORD, visit

pytestmark = pytest.mark.django_db(transaction=True)

# Words that differ between bokmål and nynorsk, and common English words of our pages.
BOKMAAL = ["ikke", "hva", "hvem", "hvis", "hvor", "bare", "noen", "noe", "uke", "uker", "fra",
           "også", "jeg", "velg", "navn", "bekreftet", "hele", "tidligere"]  # fmt: skip
ENGLISH = ["the", "and", "your", "Cancel", "Find", "Log in", "Sign up", "week", "room",
           "Password", "Username", "Remember", "Forgot"]  # fmt: skip
LEFT_OVER = re.compile(r"\b(" + "|".join(map(re.escape, BOKMAAL + ENGLISH)) + r")\b")


def leftovers(page) -> list[str]:
    """Known bokmål and English words in the page's visible text, leaving out the language
    switch (which names the other languages in their own words, marked with lang=)."""
    text = page.evaluate(
        """() => {
            const body = document.body.cloneNode(true);
            body.querySelectorAll('form.language, [lang]:not(html)').forEach(e => e.remove());
            return body.innerText;
        }"""
    )
    return sorted(set(LEFT_OVER.findall(text)))


def check(page, name: str) -> None:
    assert page.locator("html").get_attribute("lang") == "nn"
    assert leftovers(page) == [], f"{page.url} is not all nynorsk"
    visit(page, name)


@pytest.fixture
def hall(people):
    people.room.opening_hours.all().delete()
    services.opening_hours_set(
        room=people.room, windows=[(d, dt.time(16), dt.time(22)) for d in range(7)]
    )
    return people


def test_the_journey_in_nynorsk(hall, page):
    page.goto("/rooms/")
    assert page.locator("html").get_attribute("lang") == "nb"
    page.locator("form.language button[value=nn]").click()
    page.wait_for_url("**/rooms/")
    check(page, "nn-room-finder")
    assert page.locator("h1").inner_text() == "Finn rom"

    monday = next_weekday_at(0, 0)
    page.goto(f"/rooms/{hall.room.pk}/?week={monday.date()}")
    check(page, "nn-room-week")

    page.goto("/accounts/signup/")
    check(page, "nn-sign-up")
    page.goto("/accounts/login/")
    check(page, "nn-login")
    page.fill("#id_login", "alice")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    start = next_weekday_at(1, 18)
    page.goto(f"/rooms/{hall.room.pk}/book/")
    check(page, "nn-booking-form")
    page.fill("#id_date", start.date().isoformat())
    page.fill("#id_start_time", "18:00")
    page.fill("#id_end_time", "20:00")
    page.fill("#id_title", "Sjakktrening")
    page.fill("#id_attendees", "14")
    page.locator("form[data-booking-form] button[type=submit]").click()
    page.wait_for_url("**/bookings/*/")
    check(page, "nn-booking-confirmed")
    assert Booking.objects.get(title="Sjakktrening").status == "confirmed"

    page.goto("/bookings/")
    check(page, "nn-my-bookings")
    page.goto(f"/organisations/{hall.org_a.pk}/")
    check(page, "nn-organisation")
    page.goto("/organisations/mine/")
    check(page, "nn-my-organisations")

    page.locator("form.language button[value=nb]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nb"
