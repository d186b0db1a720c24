"""The embeds in a real iframe: a page of «the municipality's site», served by a small
HTTP server of its own on another port (another origin), frames /embed/calendar/ and
/embed/directory/. Chromium shows them when that origin is in LOKALE_EMBED_ORIGINS and
refuses them when another origin is. Each embed on its own: axe, 360 px, touch targets."""

import datetime as dt
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from community.models import Event, PublicProfile
from tests.conftest import next_weekday_at
from tests.e2e.conftest import visit
from tests.factories import BookingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test's output is for failures
        pass


@pytest.fixture
def municipality_site(tmp_path, live_server):
    """http://127.0.0.1:<port>/index.html framing both embeds from the live server."""
    start = next_weekday_at(2, 18)
    week = start.date().isoformat()
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='nb'><head><meta charset='utf-8'><title>Ås kommune</title>"
        "</head><body><h1>Hva skjer i Ås</h1>"
        f"<iframe id='calendar' title='Kalender' src='{live_server.url}/embed/calendar/"
        f"?week={week}&amp;lang=nb' width='600' height='400'></iframe>"
        f"<iframe id='directory' title='Lag og foreninger' src='{live_server.url}"
        "/embed/directory/?category=culture' width='600' height='400'></iframe>"
        "</body></html>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", start
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def what_is_on(people, municipality_site):
    _origin, start = municipality_site
    korps = OrganisationFactory(name="Ås Skolekorps", in_directory=True,
                                public_description="Korps for barn og unge.")  # fmt: skip
    PublicProfile.objects.create(
        organisation=korps, activities="korps, konserter", categories=["culture"],
        age_groups=["children", "youth"],
    )  # fmt: skip
    Event.objects.create(
        organisation=korps, title="Vårkonsert", place="Torget", category="culture",
        age_groups=["all"], start=start, end=start + dt.timedelta(hours=2),
        created_by=people.alice,
    )  # fmt: skip
    BookingFactory(room=people.room, organisation=korps, title="Åpen øving", public=True,
                   start=start + dt.timedelta(days=1))  # fmt: skip
    return korps


def _frame_text(page, frame_id: str) -> str:
    frame = page.frame_locator(f"iframe#{frame_id}")
    element = page.locator(f"iframe#{frame_id}").element_handle()
    content = element.content_frame()
    return content.content() if content else frame.locator("body").inner_text()


def test_the_municipality_site_shows_both_embeds(page, settings, municipality_site, what_is_on):
    origin, _start = municipality_site
    settings.EMBED_ORIGINS = [origin]
    page.goto(f"{origin}/index.html", wait_until="load")
    calendar = page.frame_locator("iframe#calendar")
    assert calendar.locator("h1").inner_text().startswith("Hva skjer")
    assert calendar.locator(".entry", has_text="Vårkonsert").count() == 1
    assert calendar.locator(".entry", has_text="Åpen øving").count() == 1
    directory = page.frame_locator("iframe#directory")
    assert directory.locator("h2", has_text="Ås Skolekorps").count() == 1
    link = directory.locator("h2 a", has_text="Ås Skolekorps")
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"


def test_another_origin_is_refused(page, settings, municipality_site, what_is_on):
    origin, _start = municipality_site
    settings.EMBED_ORIGINS = ["https://www.another-municipality.example.no"]
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(f"{origin}/index.html", wait_until="load")
    page.wait_for_timeout(500)
    for frame_id in ("calendar", "directory"):
        text = _frame_text(page, frame_id)
        assert "Vårkonsert" not in text and "Ås Skolekorps" not in text
    assert any("frame-ancestors" in text for text in refused), refused


def test_no_one_frames_them_when_no_origin_is_set(page, settings, municipality_site, what_is_on):
    origin, _start = municipality_site
    settings.EMBED_ORIGINS = []
    page.goto(f"{origin}/index.html", wait_until="load")
    page.wait_for_timeout(500)
    for frame_id in ("calendar", "directory"):
        assert "Ås Skolekorps" not in _frame_text(page, frame_id)


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_embeds_on_their_own_are_accessible(page, municipality_site, what_is_on, lang):
    _origin, start = municipality_site
    embed_responses = []
    page.on("response", lambda r: embed_responses.append(r) if "/embed/" in r.url else None)
    page.goto(f"/embed/calendar/?week={start.date().isoformat()}&lang={lang}")
    assert page.locator(".entry", has_text="Vårkonsert").count() == 1
    visit(page, f"embed-calendar-{lang}")
    page.goto(f"/embed/directory/?lang={lang}")
    assert page.locator("h2", has_text="Ås Skolekorps").count() == 1
    visit(page, f"embed-directory-{lang}")
    # (Not the browser's cookie jar: its own request for /favicon.ico, which a framed
    # page does not make, gets the 404 page and that page's CSRF cookie.)
    assert len(embed_responses) == 2
    assert all(r.header_value("set-cookie") is None for r in embed_responses)
