"""A member books, sees and cancels; an officer approves; two members race; English."""

import datetime as dt

import pytest

from booking import services
from booking.models import Booking
from tests.conftest import next_weekday_at
from tests.e2e.conftest import log_in, visit
from tests.factories import MembershipFactory, OrganisationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

EVENINGS = [(d, dt.time(16), dt.time(22)) for d in range(7)]


@pytest.fixture
def town(people):
    people.room.name = "Gymsal"
    people.room.save()
    people.room.opening_hours.all().delete()
    services.opening_hours_set(
        room=people.room, windows=[(d, dt.time(16), dt.time(22)) for d in range(7)]
    )
    people.hall = RoomFactory(name="Aulaen", requires_approval=True, hours=EVENINGS)
    return people


def test_member_finds_a_free_room_books_it_sees_it_and_cancels(town, page):
    start = next_weekday_at(1, 18)
    log_in(page, "alice")
    page.goto("/rooms/")
    visit(page, "room-finder")
    page.fill("#id_date", start.date().isoformat())
    page.fill("#id_start_time", "18:00")
    page.fill("#id_end_time", "20:00")
    page.locator("form.search button[type=submit]").click()
    card = page.locator(".card", has_text="Gymsal")
    card.locator("a.button").first.click()
    page.wait_for_url("**/rooms/*/book/**")
    visit(page, "booking-form")
    assert page.input_value("#id_start_time") == "18:00"
    page.fill("#id_title", "Sjakktrening")
    page.fill("#id_attendees", "14")
    page.locator("form[data-booking-form] button[type=submit]").click()
    page.wait_for_url("**/bookings/*/")
    visit(page, "booking-confirmed")
    booking = Booking.objects.get(title="Sjakktrening")
    assert booking.status == "confirmed"
    assert booking.start == start and booking.end == start + dt.timedelta(hours=2)
    assert "18:00–20:00" in page.locator("main").inner_text()

    page.goto("/bookings/")
    visit(page, "my-bookings")
    mine = page.locator(".card", has_text="Sjakktrening")
    mine.locator("button[type=submit]").click()
    page.locator("dialog[open]").get_by_role("button", name="Ja, avbestill bookingen").click()
    page.wait_for_url("**/bookings/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert page.locator(".message.success").is_visible()


def test_week_view_and_booking_from_a_clicked_slot(town, page):
    log_in(page, "alice")
    monday = next_weekday_at(0, 0)
    page.goto(f"/rooms/{town.room.pk}/?week={monday.date()}")
    visit(page, "room-week")
    page.locator(".slots a", has_text="18:00").first.click()
    assert page.input_value("#id_date") == monday.date().isoformat()
    assert (page.input_value("#id_start_time"), page.input_value("#id_end_time")) == (
        "18:00",
        "19:00",
    )


def test_officer_approves_a_pending_booking(town, page):
    start = next_weekday_at(3, 18)
    booking = services.booking_create(
        room=town.hall,
        organisation=town.org_a,
        by=town.alice,
        start=start,
        end=start + dt.timedelta(hours=2),
        title="Juleavslutning",
        attendees=25,
    )
    log_in(page, "olga")
    page.goto("/approvals/")
    visit(page, "approval-queue")
    card = page.locator(".card", has_text="Juleavslutning")
    card.locator("textarea").fill("Husk å rydde salen")
    card.locator("button[value=approve]").click()
    page.wait_for_url("**/approvals/")
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert booking.decision_note == "Husk å rydde salen"
    assert booking.decided_by == town.olga


def test_officer_verifies_an_organisation_and_reads_the_support_report(town, page):
    waiting = OrganisationFactory(name="Ås Turlag", voluntary_verified=False)
    log_in(page, "olga")
    page.goto("/organisations/awaiting/")
    visit(page, "awaiting-verification")
    page.locator(".card", has_text="Ås Turlag").locator("button").click()
    page.wait_for_url("**/organisations/awaiting/")
    waiting.refresh_from_db()
    assert waiting.voluntary_verified
    page.goto(f"/reports/support/?year={next_weekday_at(1, 0).year}")
    visit(page, "support-report")
    with page.expect_download() as download:
        page.locator("a[download]").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_officer_sends_a_failed_message_again(town, page):
    from notifications.models import Message

    failed = Message.objects.create(
        channel="email", recipient="leder@example.org", template="booking_reminder",
        context={"bookings": []}, idempotency_key="e2e:failed", status="failed", attempts=6,
        last_error="SMTPRecipientsRefused: 550 5.1.1 No such mailbox",
    )  # fmt: skip
    log_in(page, "olga")
    page.goto("/messages/failed/")
    visit(page, "failed-messages")
    page.get_by_role("button", name="Send på nytt").click()
    page.wait_for_url("**/messages/failed/")
    assert "Meldingen til leder@example.org står i kø igjen." in page.content()
    failed.refresh_from_db()
    assert failed.status == "sent"


def test_the_price_follows_the_chosen_organisation_live(town, page):
    dina = UserFactory(username="dina")
    shop = OrganisationFactory(name="Dinas Butikk AS", category="commercial")
    MembershipFactory(user=dina, organisation=shop)
    MembershipFactory(user=dina, organisation=town.org_a)
    start = next_weekday_at(4, 18)
    log_in(page, "dina")
    page.goto(
        f"/rooms/{town.room.pk}/book/?start={start:%Y-%m-%dT%H:%M}"
        f"&end={start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"
    )
    quote = page.locator("[data-quote]")
    assert "1000,00" in quote.inner_text()  # the shop comes first: full rent, 2 × 500
    page.select_option("#id_organisation", str(town.org_a.pk))
    page.wait_for_function(
        "() => document.querySelector('[data-quote]').innerText.includes('frivillige')"
    )
    assert quote.inner_text().split(":")[1].strip().startswith("0,00 kr")


def test_two_members_racing_for_one_slot_see_one_success_and_one_conflict(town, new_page):
    start = next_weekday_at(2, 18)
    url = (
        f"/rooms/{town.room.pk}/book/?start={start:%Y-%m-%dT%H:%M}"
        f"&end={start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"
    )
    pages = []
    for username, title in (("alice", "Sjakk"), ("bob", "Korpsøvelse")):
        page = new_page()
        log_in(page, username)
        page.goto(url)
        page.fill("#id_title", title)
        page.fill("#id_attendees", "10")
        pages.append(page)
    for page in pages:
        page.locator("form[data-booking-form] button[type=submit]").click(no_wait_after=True)
    for page in pages:
        page.wait_for_load_state()
        page.wait_for_selector(".notice")
    outcomes = sorted(
        "conflict" if page.locator("#conflict").count() else "booked" for page in pages
    )
    assert outcomes == ["booked", "conflict"]
    loser = next(page for page in pages if page.locator("#conflict").count())
    visit(loser, "booking-conflict")
    text = loser.locator("#conflict").inner_text()
    assert "18:00–20:00" in text
    alternatives = loser.locator("#conflict li a")
    assert alternatives.count() >= 1
    assert Booking.objects.filter(room=town.room).count() == 1


def test_the_language_switch_shows_the_same_page_in_english(town, page):
    page.goto("/rooms/")
    assert page.locator("html").get_attribute("lang") == "nb"
    norwegian = page.locator("h1").inner_text()
    page.locator("form.language button[value=en]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/rooms/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Find a room"
    assert norwegian != "Find a room"
    visit(page, "room-finder-en")


def test_keyboard_only_booking(town, page):
    """Tab to a free slot, Enter, type into the form, Enter: no mouse anywhere."""
    log_in(page, "alice")
    monday = next_weekday_at(0, 0)
    page.goto(f"/rooms/{town.room.pk}/?week={monday.date()}")

    def tab_to(predicate_js: str, limit: int = 200) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(
                f"() => {{ const e = document.activeElement; return {predicate_js}; }}"
            ):
                return
        raise AssertionError(f"Tab never reached {predicate_js}")

    tab_to("e.closest('.slots') !== null && e.textContent.trim() === '19:00'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/book/**")
    tab_to("e.id === 'id_title'")
    page.keyboard.type("Tastaturmøte")
    tab_to("e.id === 'id_attendees'")
    page.keyboard.type("6")
    tab_to("e.type === 'submit' && e.closest('form[data-booking-form]') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bookings/*/")
    booking = Booking.objects.get(title="Tastaturmøte")
    assert booking.start == monday.replace(hour=19) and booking.attendees == 6


def test_the_skip_link_is_the_first_stop(town, page):
    page.goto("/rooms/")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"


def test_member_books_a_weekly_series_with_one_conflict_after_seeing_the_weeks(town, page):
    first = next_weekday_at(1, 18)  # a Tuesday
    taken = first + dt.timedelta(weeks=6)
    services.booking_create(
        room=town.room, organisation=town.org_b, by=town.bob, start=taken,
        end=taken + dt.timedelta(hours=1), title="Korpsøvelse", attendees=10,
    )  # fmt: skip
    log_in(page, "alice")
    page.goto(
        f"/rooms/{town.room.pk}/book/?start={first:%Y-%m-%dT%H:%M}"
        f"&end={first + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"
    )
    page.fill("#id_title", "Sjakksesong")
    page.fill("#id_attendees", "12")
    page.fill("#id_repeat_until", (first + dt.timedelta(weeks=39)).date().isoformat())
    page.locator("form[data-booking-form] button[value=book]").click()
    page.wait_for_selector("#weeks")
    visit(page, "series-preview")
    assert page.locator("tr.week").count() == 40
    assert page.locator("tr.week.taken").count() == 1
    assert Booking.objects.filter(organisation=town.org_a).count() == 0
    page.locator("button[value=confirm]").click()
    page.wait_for_url("**/bookings/")
    assert page.locator(".card", has_text="Sjakksesong").count() == 39
    assert Booking.objects.filter(organisation=town.org_a, series__isnull=False).count() == 39


def test_officer_sees_what_a_closure_cancels_before_confirming(town, page):
    start = next_weekday_at(2, 18)
    booking = services.booking_create(
        room=town.room, organisation=town.org_a, by=town.alice, start=start,
        end=start + dt.timedelta(hours=2), title="Styremøte", attendees=8,
    )  # fmt: skip
    log_in(page, "olga")
    page.goto("/closures/new/")
    page.select_option("#id_room", str(town.room.pk))
    page.fill("#id_start_date", start.date().isoformat())
    page.fill("#id_end_date", start.date().isoformat())
    page.fill("#id_reason", "Vannlekkasje")
    page.locator("button[value=preview]").click()
    page.wait_for_selector("#hits")
    visit(page, "closure-preview")
    assert page.locator("#hits .card", has_text="Styremøte").count() == 1
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # nothing happens before the officer confirms
    page.locator("button[value=confirm]").click()
    page.wait_for_selector(".message.success")
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "Stengt: Vannlekkasje")
