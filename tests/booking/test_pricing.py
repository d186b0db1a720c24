"""Prices: the default rules, the fair-use cap, time windows, DST, and no floats."""

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from booking import services
from booking.models import PriceRule, Site
from booking.pricing import quote_price
from booking.timeutil import OSLO
from tests.conftest import next_weekday_at
from tests.factories import OrganisationFactory, RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db

FREE = Decimal("0.00")


def quote(room, organisation, start, hours=2, **kwargs):
    return quote_price(
        room=room,
        organisation=organisation,
        start=start,
        end=start + dt.timedelta(hours=hours),
        **kwargs,
    )


@pytest.fixture
def school_room():
    return RoomFactory(site=SiteFactory(kind=Site.Kind.SCHOOL), hourly_price=Decimal("450.00"))


@pytest.fixture
def hall_room():
    return RoomFactory(site=SiteFactory(kind=Site.Kind.SPORTS_HALL), hourly_price=Decimal("800.00"))


def org(category, verified=False, **kwargs):
    return OrganisationFactory(category=category, voluntary_verified=verified, **kwargs)


def test_the_default_rules_are_installed_in_order():
    assert list(PriceRule.objects.values_list("name", flat=True)) == [
        "Kommunale enheter",
        "Frivillige organisasjoner",
        "Barn og unge",
        "Frivillig, ikke verifisert",
        "Kommunal enhet, ikke verifisert",
        "Kommersielle og private",
    ]


def test_verified_voluntary_is_free_in_a_school_and_says_why(school_room):
    q = quote(school_room, org("voluntary", verified=True), next_weekday_at(1, 18))
    assert (q.full_price, q.price, q.waived) == (Decimal("900.00"), FREE, Decimal("900.00"))
    assert q.rule.name == "Frivillige organisasjoner"
    assert "frivillige organisasjoner" in q.reasons("nb")[0]
    assert "voluntary organisations" in q.reasons("en")[0]
    assert "frivillige organisasjonar låner skular" in q.reasons("nn")[0]


def test_a_rule_without_nynorsk_gives_its_bokmal_text_in_nynorsk(school_room):
    PriceRule.objects.filter(name="Frivillige organisasjoner").update(reason_nn="")
    q = quote(school_room, org("voluntary", verified=True), next_weekday_at(1, 18))
    assert q.reasons("nn") == q.reasons("nb")
    assert q.snapshot()["price_reasons"][0]["nn"] == q.reasons("nb")[0]


def test_verified_voluntary_pays_in_a_sports_hall_the_rules_do_not_cover(hall_room):
    q = quote(hall_room, org("voluntary", verified=True), next_weekday_at(1, 18))
    assert q.price == q.full_price == Decimal("1600.00")
    assert q.rule is None


def test_unverified_voluntary_pays_and_is_told_it_awaits_verification(school_room):
    q = quote(school_room, org("voluntary"), next_weekday_at(1, 18))
    assert q.price == q.full_price
    assert "venter på verifisering" in q.reasons("nb")[0]
    assert "awaiting verification as a voluntary organisation" in q.reasons("en")[0]
    assert "ventar på verifisering" in q.reasons("nn")[0]


def test_children_and_youth_free_for_non_commercial_but_not_commercial(hall_room):
    start = next_weekday_at(1, 18)
    assert quote(hall_room, org("voluntary"), start, children_and_youth=True).price == FREE
    assert quote(hall_room, None, start, children_and_youth=True).price == FREE
    commercial = quote(hall_room, org("commercial"), start, children_and_youth=True)
    assert commercial.price == commercial.full_price


def test_verified_municipal_units_are_free_anywhere(hall_room):
    assert quote(hall_room, org("municipal", verified=True), next_weekday_at(1, 18)).price == FREE


def test_an_unverified_municipal_unit_pays_and_is_told_it_awaits_verification(hall_room):
    q = quote(hall_room, org("municipal"), next_weekday_at(1, 18))
    assert q.price == q.full_price == Decimal("1600.00")
    assert q.rule.name == "Kommunal enhet, ikke verifisert"
    assert "awaiting verification as a municipal unit" in q.reasons("en")[0]


@pytest.mark.parametrize("booker", ["commercial", "private"])
def test_commercial_and_private_bookers_pay_the_hourly_price(school_room, booker):
    organisation = None if booker == "private" else org("commercial")
    q = quote(school_room, organisation, next_weekday_at(1, 18), hours=3)
    assert q.price == q.full_price == Decimal("1350.00")
    assert q.rule.name == "Kommersielle og private"


def test_a_booking_across_spring_forward_is_priced_on_its_real_length(school_room):
    q = quote_price(
        room=school_room,
        organisation=org("commercial"),
        start=dt.datetime(2027, 3, 28, 1, tzinfo=OSLO),
        end=dt.datetime(2027, 3, 28, 4, tzinfo=OSLO),
    )
    assert q.full_price == q.price == Decimal("900.00")  # 2 real hours, not 3


def test_a_time_window_splits_the_booking_into_lines_that_add_up(school_room):
    PriceRule.objects.all().delete()
    PriceRule.objects.create(
        order=1, name="Kveld", booker_kinds=["voluntary"], time_from=dt.time(8),
        time_to=dt.time(22), effect="percent_off", percent_off=100,
        reason_nb="Gratis til kl. 22.", reason_en="Free until 22:00.",
    )  # fmt: skip
    start = next_weekday_at(1, 20)
    q = quote(school_room, org("voluntary", verified=True), start, hours=4)  # 20:00–24:00
    assert [(line.start, line.end, line.price) for line in q.lines] == [
        (start, start + dt.timedelta(hours=2), FREE),
        (start + dt.timedelta(hours=2), start + dt.timedelta(hours=4), Decimal("900.00")),
    ]
    assert q.price == sum(line.price for line in q.lines) == Decimal("900.00")
    assert q.full_price == Decimal("1800.00") and q.waived == Decimal("900.00")
    assert q.reasons("en") == ["Free until 22:00.", "The room's full rent."]


def test_the_fair_use_cap_prices_hours_beyond_it_by_the_next_rule(school_room, people):
    rule = PriceRule.objects.get(name="Frivillige organisasjoner")
    rule.free_hours_per_week = 4
    rule.save()
    PriceRule.objects.create(
        order=25, name="Halv pris", booker_kinds=["voluntary"], effect="percent_off",
        percent_off=50, reason_nb="Halv pris.", reason_en="Half price.",
    )  # fmt: skip
    monday = next_weekday_at(0, 17)

    def book(start, hours, room=school_room):
        return services.booking_create(
            room=room, organisation=people.org_a, by=people.alice, start=start,
            end=start + dt.timedelta(hours=hours), title="Trening", attendees=5,
        )  # fmt: skip

    first = book(monday, 3)
    assert first.price == FREE
    second = book(monday + dt.timedelta(days=1), 3)  # 1 free hour left this week
    assert second.price == Decimal("450.00")  # 2 hours at half of 450
    assert [line["price"] for line in second.price_lines] == ["0.00", "450.00"]
    assert "4 free hours a week" in second.price_reasons[-1]["en"]
    other_site = RoomFactory(site=SiteFactory(kind="school"), hourly_price=Decimal("450.00"))
    assert book(monday + dt.timedelta(days=2), 3, room=other_site).price == FREE
    assert book(monday + dt.timedelta(days=7), 3).price == FREE  # a new week
    # Cancelling gives the hours back.
    services.booking_cancel(booking=first, by=people.alice)
    assert book(monday + dt.timedelta(days=3), 3).price == FREE


def test_quote_over_the_api_equals_the_snapshot_of_the_booking_made_after_it(people, client_for):
    client = client_for(people.alice)
    start = next_weekday_at(1, 18)
    body = {
        "room": people.room.pk,
        "organisation": people.org_a.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
    }
    quoted = client.post("/api/v1/quotes/", body, format="json")
    assert quoted.status_code == 200
    assert set(quoted.json()) >= {"full_price", "price", "waived", "currency", "rule", "reasons"}
    assert quoted.json()["currency"] == "NOK"
    booked = client.post(
        "/api/v1/bookings/", {**body, "title": "Møte", "attendees": 4}, format="json"
    ).json()
    for key in ("full_price", "price", "waived"):
        assert booked[key] == quoted.json()[key]
        assert isinstance(booked[key], str)  # money is never a JSON float
    assert booked["price_reasons"] == quoted.json()["reasons"]
    assert booked["price_rule"] == quoted.json()["rule"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"room": 999_999}, "room"),
        ({"room": "abc"}, "room"),
        ({"end": "2027-01-01T17:00"}, "end"),
        ({"start": "2027-03-28T02:30"}, "start"),
        ({"end": "2027-03-01T17:00"}, "end"),
        ({"organisation": "ORG_B"}, "organisation"),
    ],
)
def test_bad_quote_requests_are_400_naming_the_field(people, client_for, change, field):
    body = {"room": people.room.pk, "start": "2027-01-01T18:00", "end": "2027-01-01T20:00"}
    body.update(change)
    if body.get("organisation") == "ORG_B":
        body["organisation"] = people.org_b.pk
    response = client_for(people.alice).post("/api/v1/quotes/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_rule_with_an_impossible_window_is_refused_by_form_and_database():
    rule = PriceRule(
        name="Umulig", time_from=dt.time(22), time_to=dt.time(8), effect="percent_off",
        reason_nb="x", reason_en="x",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert "time_to" in caught.value.message_dict
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()


def test_the_admin_form_shows_the_window_error_and_saves_nothing(people, client):
    people.olga.is_staff = people.olga.is_superuser = True
    people.olga.save()
    client.force_login(people.olga)
    before = PriceRule.objects.count()
    response = client.post(
        "/admin/booking/pricerule/add/",
        {"order": 5, "name": "Umulig", "active": "on", "time_from": "22:00", "time_to": "08:00",
         "effect": "percent_off", "percent_off": "10", "hourly_price": "0",
         "reason_nb": "x", "reason_en": "x"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "time_to" in response.context["adminform"].form.errors
    assert PriceRule.objects.count() == before


def test_officers_see_who_awaits_verification_and_verify(people, client_for):
    waiting = org("voluntary", name="Ås Turlag", org_number="974760673")
    olga = client_for(people.olga)
    listed = olga.get("/api/v1/organisations/?awaiting_verification=true").json()["results"]
    assert [(o["name"], o["org_number"]) for o in listed] == [("Ås Turlag", "974760673")]
    url = f"/api/v1/organisations/{waiting.pk}/verify/"
    assert client_for(people.alice).post(url).status_code == 404
    assert olga.post(url).status_code == 200
    waiting.refresh_from_db()
    assert waiting.voluntary_verified
    assert olga.get("/api/v1/organisations/?awaiting_verification=true").json()["results"] == []


MONEY_MODULES = ["booking/pricing.py", "booking/reports.py"]


@pytest.mark.parametrize("module", MONEY_MODULES)
def test_money_never_passes_through_float(module):
    """No float() call and no float literal where prices are computed."""
    tree = ast.parse((Path(__file__).resolve().parents[2] / module).read_text())
    floats = [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float")
        or (isinstance(node, ast.Constant) and isinstance(node.value, float))
    ]
    assert floats == [], f"{module} uses floats on lines {floats}"


def test_quote_values_are_decimals(school_room):
    q = quote(school_room, org("commercial"), next_weekday_at(1, 18), hours=1.5)
    assert all(isinstance(v, Decimal) for v in (q.full_price, q.price, q.waived))
    assert q.full_price == Decimal("675.00")
