"""Prices before login: the room page and GET /rooms/{id}/prices/ quote each kind of booker
through quote_price, the code that prices real bookings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from booking.models import Organisation, PriceRule, Site
from booking.price_list import room_price_list, typical_hour
from booking.pricing import quote_price
from booking.timeutil import OSLO
from tests.factories import OrganisationFactory, RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db

KINDS = {
    "voluntary_verified": ("voluntary", True),
    "voluntary_unverified": ("voluntary", False),
    "municipal": ("municipal", True),
    "commercial": ("commercial", True),
    "other": ("other", True),
}


@pytest.fixture
def torg_room():
    site = SiteFactory(kind=Site.Kind.INNBYGGERTORG)
    return RoomFactory(site=site, hourly_price=Decimal("300.00"))


def saved_quote(room, kind, children, start, end):
    """The quote a real, saved organisation of that kind gets for the same hour."""
    organisation = None
    if kind != "private":
        category, verified = KINDS[kind]
        organisation = OrganisationFactory(category=category, voluntary_verified=verified)
    return quote_price(
        room=room, organisation=organisation, start=start, end=end, children_and_youth=children
    )


def test_the_api_gives_each_kind_the_price_quote_price_gives(torg_room, client_for):
    response = client_for(None).get(f"/api/v1/rooms/{torg_room.pk}/prices/")
    assert response.status_code == 200
    body = response.json()
    start = dt.datetime.fromisoformat(body["start"])
    end = dt.datetime.fromisoformat(body["end"])
    assert (start.astimezone(OSLO).weekday(), start.astimezone(OSLO).hour) == (1, 18)
    assert end - start == dt.timedelta(hours=1)
    kinds = [(p["kind"], p["children_and_youth"]) for p in body["prices"]]
    assert [k for k, children in kinds if not children] == [*KINDS, "private"]
    for entry in body["prices"]:
        expected = saved_quote(torg_room, entry["kind"], entry["children_and_youth"], start, end)
        assert Decimal(entry["quote"]["price"]) == expected.price, entry
        assert Decimal(entry["quote"]["full_price"]) == expected.full_price
        assert entry["quote"]["reasons"] == expected.reasons()
    prices = {(p["kind"], p["children_and_youth"]): p["quote"]["price"] for p in body["prices"]}
    # The default price list: free for verified voluntary and municipal, full rent else.
    assert prices["voluntary_verified", False] == "0.00"
    assert prices["municipal", False] == "0.00"
    assert prices["commercial", False] == "300.00"
    assert prices["voluntary_unverified", False] == "300.00"
    # "Barn og unge" makes children's activities free for non-commercial bookers.
    assert prices["private", True] == "0.00"
    assert ("commercial", True) not in prices


def test_a_time_window_rule_is_quoted_for_the_typical_hour_and_flagged(torg_room):
    PriceRule.objects.create(
        order=1, name="Kveldsrabatt", booker_kinds=["commercial"], time_from=dt.time(17),
        time_to=dt.time(22), effect=PriceRule.Effect.PERCENT_OFF, percent_off=Decimal(50),
        reason_nb="Halv pris om kvelden.", reason_en="Half price in the evening.",
    )  # fmt: skip
    prices = room_price_list(room=torg_room)
    commercial = next(e for e in prices.entries if e.kind == "commercial")
    assert commercial.quote.price == Decimal("150.00")
    assert commercial.quote.reasons("en") == ["Half price in the evening."]
    assert prices.varies_by_time


def test_a_fair_use_cap_is_quoted_as_unused_and_the_list_saves_nothing(torg_room):
    PriceRule.objects.filter(name="Frivillige organisasjoner").update(free_hours_per_week=4)
    count = Organisation.objects.count()
    prices = room_price_list(room=torg_room)
    voluntary = next(e for e in prices.entries if e.kind == "voluntary_verified")
    assert voluntary.quote.price == Decimal("0.00")
    assert Organisation.objects.count() == count
    assert not prices.varies_by_time


def test_the_typical_hour_is_the_next_tuesday_evening():
    tuesday_evening = dt.datetime(2026, 12, 1, 18, 30, tzinfo=OSLO)  # a Tuesday, past 18:00
    start, end = typical_hour(tuesday_evening)
    assert end - start == dt.timedelta(hours=1)
    assert start == dt.datetime(2026, 12, 8, 18, tzinfo=OSLO)
    start, _end = typical_hour(dt.datetime(2026, 12, 1, 9, tzinfo=OSLO))
    assert start == dt.datetime(2026, 12, 1, 18, tzinfo=OSLO)


def test_anonymous_visitors_see_the_voluntary_price_on_the_room_page(torg_room):
    response = Client().get(f"/rooms/{torg_room.pk}/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hva en time koster" in html
    start, end = typical_hour()
    expected = saved_quote(torg_room, "voluntary_verified", False, start, end)
    row = html.split('class="price-voluntary_verified"')[1].split("</tr>")[0]
    assert "Frivillig organisasjon, verifisert" in row
    assert f">{str(expected.price).replace('.', ',')}<" in row
    assert expected.reasons("nb")[0] in row


def test_an_inactive_or_missing_room_has_no_prices(client_for):
    room = RoomFactory(is_active=False)
    assert client_for(None).get(f"/api/v1/rooms/{room.pk}/prices/").status_code == 404
    assert client_for(None).get("/api/v1/rooms/999999/prices/").status_code == 404
