"""A resident, not signed in, judges a room: description, photos, step-free access, price."""

import pytest

from tests.e2e.conftest import check_accessibility, visit
from tests.photos import add_photo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def described(people):
    room = people.room
    room.description_nb = "Lys sal med scene og utsikt mot fjorden."
    room.step_free_access, room.hearing_loop = True, False
    room.save()
    site = room.site
    site.latitude, site.longitude, site.lift = "58.459800", "8.772900", True
    site.save()
    add_photo(room, people.olga, alt="Salen sett fra inngangen")
    add_photo(room, people.olga, alt="Trinnfri inngang fra torget", size=(600, 800))
    return people


def test_a_resident_reads_about_a_room_with_photos_before_signing_in(described, page):
    room = described.room
    page.goto("/rooms/")
    card = page.locator(".card", has=page.get_by_role("link", name=room.name, exact=True))
    assert card.get_by_role("img", name="Salen sett fra inngangen").count() == 1
    visit(page, "room-finder-photos")

    card.get_by_role("link", name=room.name, exact=True).click()
    page.wait_for_url(f"**/rooms/{room.pk}/")
    main = page.locator("main")
    assert "Lys sal med scene og utsikt mot fjorden." in main.inner_text()
    photos = page.get_by_role("list", name="Bilder").get_by_role("img")
    assert photos.count() == 2
    assert photos.nth(1).get_attribute("alt") == "Trinnfri inngang fra torget"
    step_free = page.locator(".ud-facts .fact", has_text="Trinnfri tilgang")
    assert step_free.locator("dd").inner_text() == "Ja"
    assert (
        page.locator(".ud-facts .fact", has_text="Teleslynge").locator("dd").inner_text() == "Nei"
    )
    map_link = page.get_by_role("link", name="Vis på kart")
    assert map_link.get_attribute("href").startswith("https://www.openstreetmap.org/?mlat=58.4598")
    # What a verified voluntary organisation pays, before anyone signs in (the default
    # price list: free in schools), against what a private person pays.
    voluntary = page.locator("section.prices tr.price-voluntary_verified")
    assert voluntary.locator("td.num").inner_text().replace(",", ".") == "0.00"
    assert "frivillig" in voluntary.inner_text().lower()
    private = page.locator("section.prices tr.price-private td.num").first.inner_text()
    assert float(private.replace(",", ".").replace("\xa0", "")) > 0
    visit(page, "room-info")
    page.set_viewport_size({"width": 1280, "height": 800})
    check_accessibility(page)
