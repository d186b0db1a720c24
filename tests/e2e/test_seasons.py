"""Season allocation in a real browser: an organisation applies with three ranked wishes;
the officer closes applications, runs the proposal, moves one wish by hand on the board
with a reason and publishes; the organisation reads its decision and follows the link to
its weekly bookings. The application form, the board and the decision page pass axe, fit
360 px and have big enough touch targets."""

import datetime as dt

import pytest

from booking.models import Booking
from seasons.models import Allocation, Season, Wish
from tests.e2e.conftest import log_in, visit

# season_scene is the seasons tests' fixture, imported to be used here too.
from tests.seasons.conftest import apply, season_scene, wish  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def fill_wish(page, index: int, place: str, weekday: int, start: str, end: str, rank: int):
    prefix = f"#id_wishes-{index}-"
    page.select_option(prefix + "place", place)
    page.select_option(prefix + "weekday", str(weekday))
    page.fill(prefix + "start_time", start)
    page.fill(prefix + "end_time", end)
    page.fill(prefix + "attendees", "18")
    page.fill(prefix + "activity", f"Sjakktrening {rank}")
    page.fill(prefix + "rank", str(rank))


def test_apply_allocate_move_publish_and_read_the_decision(season_scene, new_page):  # noqa: F811
    s = season_scene
    season = s.season
    # Bob's band has asked for Monday evening in Gymsal A too: a conflict on the board.
    apply(season, s.org_b, s.bob, [wish(s.gym_a, start="18:30", end="20:00", activity="Korps")])

    # Alice applies for her chess club with three ranked wishes.
    alice = new_page()
    log_in(alice, "alice")
    alice.goto("/seasons/")
    visit(alice, "seasons-list")
    alice.get_by_role("link", name=season.name).click()
    alice.get_by_role("link", name=f"Søk for {s.org_a.name}").click()
    alice.wait_for_url("**/apply/?organisation=*")
    visit(alice, "seasons-application")
    fill_wish(alice, 0, f"room-{s.gym_a.pk}", 0, "18:00", "19:30", 1)
    fill_wish(alice, 1, f"site-{s.site.pk}", 2, "17:00", "18:30", 2)
    fill_wish(alice, 2, f"room-{s.gym_b.pk}", 3, "19:00", "20:00", 3)
    alice.check("#id_wishes-0-children_and_youth")
    alice.get_by_role("button", name="Send søknaden").click()
    alice.wait_for_url(f"**/seasons/{season.pk}/")
    assert "er lagret" in alice.locator(".messages").inner_text()
    assert Wish.objects.filter(application__organisation=s.org_a).count() == 3

    # The officer closes applications and runs the proposal.
    olga = new_page()
    log_in(olga, "olga")
    olga.goto(f"/seasons/{season.pk}/")
    olga.get_by_role("button", name="Steng for søknader").click()
    olga.get_by_role("button", name="Lag forslag til tildeling").click()
    olga.wait_for_url(f"**/seasons/{season.pk}/board/")
    visit(olga, "seasons-board")
    # Alice's children-and-youth wish wins Monday in Gymsal A; bob's band is moved.
    assert Allocation.objects.get(wish__activity="Sjakktrening 1").outcome == "granted"

    # On the board (list view at 360 px) the officer opens Alice's third wish and moves it.
    third = Wish.objects.get(activity="Sjakktrening 3")
    olga.locator(".board-list").get_by_role("link", name="Sjakktrening 3").click()
    olga.wait_for_url(f"**/board/wishes/{third.pk}/")
    visit(olga, "seasons-wish-decision")
    olga.get_by_role("button", name="Lagre avgjørelsen").click()  # no reason: refused
    assert olga.locator("#id_note_error").is_visible()
    olga.select_option("#id_weekday", "4")
    olga.fill("#id_note", "Torsdag er full, fredag passer.")
    olga.get_by_role("button", name="Lagre avgjørelsen").click()
    olga.wait_for_url(f"**/seasons/{season.pk}/board/*")
    moved = Allocation.objects.get(pk=third.pk)
    assert (moved.outcome, moved.weekday, moved.decided_by) == ("moved", 4, s.olga)

    # At desktop width the board is a grid of rooms and weekdays, conflicts in words.
    olga.set_viewport_size({"width": 1280, "height": 900})
    assert olga.locator(".board-grid table").is_visible()
    assert not olga.locator(".board-list").is_visible()
    olga.set_viewport_size({"width": 360, "height": 800})

    # Publishing asks first, then books and says how it went.
    olga.goto(f"/seasons/{season.pk}/")
    olga.get_by_role("button", name="Publiser …").click()
    olga.get_by_role("heading", name="Publisere sesongen?").wait_for()
    olga.get_by_role("button", name="Ja, publiser og book").click()
    olga.get_by_role("heading", name="Sesongen er publisert").wait_for()
    assert "4 ønsker er nå booket" in olga.locator("main").inner_text()

    # Alice reads the decision and goes to the moved wish's weekly bookings.
    alice.goto(f"/seasons/{season.pk}/")
    alice.get_by_role("heading", name="Vedtaket").wait_for()
    visit(alice, "seasons-decision")
    decision = alice.locator(f"#wish-{third.pk}")
    text = decision.inner_text()
    assert "Flyttet" in text and "Torsdag er full, fredag passer." in text
    assert "fredag 19:00–20:00, Gymsal B" in text
    decision.get_by_role("link", name="Den ukentlige bookingen").click()
    alice.wait_for_url("**/bookings/*/")
    booking = Booking.objects.get(pk=int(alice.url.rstrip("/").split("/")[-1]))
    assert booking.series_id == Allocation.objects.get(pk=third.pk).series_id
    assert booking.organisation == s.org_a


def test_officer_creates_and_opens_a_season(season_scene, new_page):  # noqa: F811
    s = season_scene
    olga = new_page()
    log_in(olga, "olga")
    olga.goto("/seasons/")
    olga.get_by_role("link", name="Opprett en sesong").click()
    olga.wait_for_url("**/seasons/new/")
    visit(olga, "seasons-new")
    first = s.first + dt.timedelta(weeks=20)
    olga.fill("#id_name", "Høstsesongen")
    olga.get_by_label("Nordby skole: Gymsal B").check()
    olga.fill("#id_first_date", first.isoformat())
    olga.fill("#id_last_date", (first + dt.timedelta(weeks=12)).isoformat())
    olga.fill("#id_open_date", (first - dt.timedelta(weeks=6)).isoformat())
    olga.fill("#id_open_time", "08:00")
    olga.fill("#id_close_date", (first - dt.timedelta(weeks=2)).isoformat())
    olga.fill("#id_close_time", "23:59")
    olga.select_option("#id_priority_4", "members_under_20")
    olga.get_by_role("button", name="Opprett sesongen").click()
    olga.get_by_role("heading", name="Høstsesongen").wait_for()
    olga.get_by_role("button", name="Åpne for søknader").click()
    olga.get_by_text("Sesongen er åpen for søknader.").wait_for()
    season = Season.objects.get(name="Høstsesongen")
    assert season.status == "open" and list(season.rooms.all()) == [s.gym_b]
    assert season.priorities[-1] == "members_under_20" and len(season.priorities) == 4
