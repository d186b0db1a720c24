"""A site's guidelines: versioned, and accepted by every booking there (services, API, web)."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking import services
from booking.guidelines import guidelines_publish
from booking.models import Booking, BookingSeries, Guidelines
from booking.series import series_create
from tests.conftest import next_weekday_at
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

RULES_V1 = "Rydd etter dere.\n\nIkke alkohol."
RULES_V2 = "Rydd etter dere.\n\nIkke alkohol.\n\nLys av når dere går."


@pytest.fixture
def torg(people):
    """people.room's site has guidelines, version 1 (a copy of the room's week hours)."""
    guidelines_publish(site=people.room.site, by=people.olga, text_nb=RULES_V1,
                       text_en="Tidy up.")  # fmt: skip
    return people


def book(people, start, **extra):
    return services.booking_create(
        room=people.room, organisation=people.org_a, by=people.alice, start=start,
        end=start + dt.timedelta(hours=2), title="Sjakk", attendees=8, **extra,
    )  # fmt: skip


def season(people, first, **extra):
    return series_create(
        room=people.room, organisation=people.org_a, by=people.alice,
        weekdays=[first.weekday()], start_time=dt.time(18), end_time=dt.time(20),
        first=first, until=first + dt.timedelta(weeks=3), title="Korps", attendees=20,
        **extra,
    )  # fmt: skip


def payload(people, start, **extra):
    return {
        "room": people.room.pk, "organisation": people.org_a.pk, "title": "Sjakk",
        "start": start.isoformat(), "end": (start + dt.timedelta(hours=2)).isoformat(),
        "attendees": 8, **extra,
    }  # fmt: skip


def test_a_site_without_guidelines_books_as_before(people):
    booking = book(people, next_weekday_at(1, 18))
    assert booking.guidelines is None


def test_booking_at_a_guidelines_site_needs_acceptance_and_stores_the_version(torg):
    with pytest.raises(ValidationError) as refused:
        book(torg, next_weekday_at(1, 18))
    assert "accept_guidelines" in refused.value.message_dict
    assert not Booking.objects.exists()
    booking = book(torg, next_weekday_at(1, 18), accept_guidelines=True)
    booking.refresh_from_db()
    assert booking.guidelines.version == 1


def test_a_new_version_is_accepted_at_the_next_booking_and_old_ones_keep_theirs(torg):
    first = book(torg, next_weekday_at(1, 18), accept_guidelines=True)
    v2 = guidelines_publish(site=torg.room.site, by=torg.olga, text_nb=RULES_V2)
    assert v2.version == 2
    second = book(torg, next_weekday_at(2, 18), accept_guidelines=True)
    first.refresh_from_db()
    assert (first.guidelines.version, second.guidelines.version) == (1, 2)
    assert list(Guidelines.objects.values_list("version", flat=True)) == [2, 1]


def test_only_officers_publish_guidelines(people):
    with pytest.raises(PermissionDenied):
        guidelines_publish(site=people.room.site, by=people.alice, text_nb=RULES_V1)
    with pytest.raises(ValidationError):
        guidelines_publish(site=people.room.site, by=people.olga, text_nb="  ")
    assert not Guidelines.objects.exists()


def test_a_series_needs_acceptance_and_every_week_records_the_version(torg):
    first = next_weekday_at(3, 0, weeks=2).date()
    with pytest.raises(ValidationError) as refused:
        season(torg, first)
    assert "accept_guidelines" in refused.value.message_dict
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()
    _series, bookings, _plan = season(torg, first, accept_guidelines=True)
    assert len(bookings) == 4
    assert set(Booking.objects.values_list("guidelines__version", flat=True)) == {1}


def test_the_api_refuses_without_accept_guidelines_and_saves_nothing(torg, client_for):
    api = client_for(torg.alice)
    start = next_weekday_at(1, 18)
    for body in (payload(torg, start), payload(torg, start, accept_guidelines=False)):
        response = api.post("/api/v1/bookings/", body, format="json")
        assert response.status_code == 400
        assert "accept_guidelines" in response.json()
    assert not Booking.objects.exists()
    response = api.post(
        "/api/v1/bookings/", payload(torg, start, accept_guidelines=True), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["guidelines_version"] == 1
    listed = api.get(f"/api/v1/bookings/{response.json()['id']}/").json()
    assert listed["guidelines_version"] == 1


def test_an_api_series_needs_accept_guidelines_too(torg, client_for):
    api = client_for(torg.alice)
    start = next_weekday_at(3, 18, weeks=2)
    body = payload(torg, start, recurrence={
        "weekdays": [3], "until": (start + dt.timedelta(weeks=2)).date().isoformat()
    })  # fmt: skip
    refused = api.post("/api/v1/bookings/", body, format="json")
    assert refused.status_code == 400 and "accept_guidelines" in refused.json()
    assert not BookingSeries.objects.exists() and not Booking.objects.exists()
    made = api.post("/api/v1/bookings/", {**body, "accept_guidelines": True}, format="json")
    assert made.status_code == 201, made.json()
    assert [b["guidelines_version"] for b in made.json()["booked"]] == [1, 1, 1]


def test_the_api_shows_a_sites_current_guidelines(torg, client_for):
    site = torg.room.site
    guidelines_publish(site=site, by=torg.olga, text_nb=RULES_V2)
    body = client_for(None).get(f"/api/v1/sites/{site.pk}/guidelines/").json()
    assert (body["version"], body["text_nb"]) == (2, RULES_V2)
    other = RoomFactory().site
    assert client_for(None).get(f"/api/v1/sites/{other.pk}/guidelines/").status_code == 404


def form_data(start, **extra):
    return {
        "organisation": "", "date": start.date().isoformat(), "start_time": "18:00",
        "end_time": "20:00", "title": "Sjakk", "attendees": "8", "action": "book",
        "payer_name": "Alice Ås", "payer_address": "Lia 4, 1430 Ås", **extra,
    }  # fmt: skip


def test_the_web_form_has_a_required_checkbox_and_the_text_one_click_away(torg):
    web = Client()
    web.force_login(torg.alice)
    html = web.get(f"/rooms/{torg.room.pk}/book/").content.decode()
    box = html.split('name="accept_guidelines"')[0].rsplit("<input", 1)[1]
    assert 'type="checkbox"' in box
    assert "required" in html.split('name="accept_guidelines"')[1].split(">")[0] + box
    assert "<details>" in html and "Rydd etter dere." in html
    assert f"/sites/{torg.room.site.pk}/guidelines/?version=1" in html


def test_the_web_refuses_a_booking_without_the_checkbox_and_saves_nothing(torg):
    web = Client()
    web.force_login(torg.alice)
    start = next_weekday_at(1, 18)
    refused = web.post(f"/rooms/{torg.room.pk}/book/", form_data(start))
    assert refused.status_code == 400
    assert "accept_guidelines_error" in refused.content.decode()
    assert not Booking.objects.exists()
    made = web.post(f"/rooms/{torg.room.pk}/book/", form_data(start, accept_guidelines="on"))
    assert made.status_code == 302
    booking = Booking.objects.get()
    assert booking.guidelines.version == 1
    page = web.get(made["Location"]).content.decode()
    assert f"/sites/{torg.room.site.pk}/guidelines/?version=1" in page


def test_the_guidelines_page_shows_any_version_to_anyone(torg):
    site = torg.room.site
    guidelines_publish(site=site, by=torg.olga, text_nb=RULES_V2)
    current = Client().get(f"/sites/{site.pk}/guidelines/")
    assert current.status_code == 200 and "Lys av" in current.content.decode()
    old = Client().get(f"/sites/{site.pk}/guidelines/?version=1").content.decode()
    assert "Lys av" not in old and "?version=2" in old
    assert Client().get(f"/sites/{site.pk}/guidelines/?version=9").status_code == 404
    assert Client().get(f"/sites/{RoomFactory().site.pk}/guidelines/").status_code == 404


@pytest.mark.parametrize("url", ["/rooms/{room}/book/", "/bookings/{booking}/"])
def test_the_pages_with_guidelines_stay_within_the_query_budget(torg, url):
    booking = book(torg, next_weekday_at(1, 18), accept_guidelines=True)
    web = Client()
    web.force_login(torg.alice)
    with CaptureQueriesContext(connection) as queries:
        response = web.get(url.format(room=torg.room.pk, booking=booking.pk))
    assert response.status_code == 200
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_an_officer_publishes_a_new_version_in_the_admin(torg):
    torg.olga.is_staff = True
    torg.olga.save()
    torg.olga.user_permissions.add(*Permission.objects.filter(codename__endswith="_guidelines"))
    admin = Client()
    admin.force_login(torg.olga)
    site = torg.room.site
    form = admin.get(f"/admin/booking/guidelines/add/?site={site.pk}")
    assert form.status_code == 200 and "Rydd etter dere." in form.content.decode()
    response = admin.post(
        "/admin/booking/guidelines/add/",
        {"site": site.pk, "text_nb": RULES_V2, "text_nn": "", "text_en": ""},
    )
    assert response.status_code == 302
    latest = Guidelines.objects.filter(site=site).first()
    assert (latest.version, latest.text_nb, latest.published_by) == (2, RULES_V2, torg.olga)
    assert Guidelines.objects.get(site=site, version=1).text_nb == RULES_V1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_officers_publishing_at_once_get_one_version_each(people):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    site, writers = people.room.site, 6
    barrier = threading.Barrier(writers)
    versions = []

    def publish(n):
        barrier.wait()
        try:
            versions.append(guidelines_publish(site=site, by=people.olga, text_nb=f"v{n}").version)
        except ValidationError:
            versions.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "refused" not in versions
    assert sorted(versions) == list(range(1, writers + 1))


def test_seed_demo_gives_the_innbyggertorg_guidelines_that_its_bookings_accepted():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    torg = Guidelines.objects.get(site__name="Fjordvik innbyggertorg")
    assert torg.version == 1
    assert torg.text_nb.startswith("Retningslinjer for lån og leie av lokaler")
    assert torg.text_en.startswith("Guidelines for borrowing and renting rooms")
    there = Booking.objects.filter(room__site=torg.site)
    assert there.exists()
    assert set(there.values_list("guidelines", flat=True)) == {torg.pk}
    assert not Booking.objects.exclude(room__site=torg.site).filter(guidelines__isnull=False)
