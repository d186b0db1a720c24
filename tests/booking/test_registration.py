"""Organisations register themselves, looked up in Enhetsregisteret (API and web)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from booking.models import Membership, Organisation
from booking.selectors import organisations_awaiting_verification
from registry.models import Unit
from tests.booking.test_race import _post
from tests.registry.brreg import deleted_enhet, enhet, numbers, register_api

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"
# In the local copy: voluntary, not voluntary, bankrupt, deleted.
HUSFLID, KOR, BYGG, SEIL = numbers(4, start=50000000)
UNKNOWN = numbers(1, start=51000000)[0]


@pytest.fixture
def register(settings):
    with register_api(settings) as server:
        yield server


@pytest.fixture
def client_for(client_for):
    """API clients that ask for English."""

    def make(user):
        api = client_for(user)
        api.credentials(HTTP_ACCEPT_LANGUAGE="en")
        return api

    return make


@pytest.fixture
def client(client, settings):
    """Pages in English (they are in bokmål unless one chooses)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def local_copy(db):
    now = timezone.now()
    Unit.objects.bulk_create(
        [
            Unit(org_number=HUSFLID, name="ÅS HUSFLIDSLAG", form_code="FLI", voluntary=True,
                 address_lines="c/o Kari Nordmann\nStorgata 1", postcode="1430", town="ÅS",
                 imported_at=now),
            Unit(org_number=KOR, name="ÅS KAMMERKOR", form_code="FLI", imported_at=now),
            Unit(org_number=BYGG, name="ÅS BYGG AS", form_code="AS", bankrupt=True,
                 imported_at=now),
            Unit(org_number=SEIL, name="ÅS SEILFORENING", form_code="FLI", voluntary=True,
                 deleted_on=timezone.localdate(), imported_at=now),
        ]
    )  # fmt: skip


def _counts():
    return Organisation.objects.count(), Membership.objects.count(), Unit.objects.count()


def test_a_number_in_frivillighetsregisteret_registers_it_verified_voluntary(
    people, client_for, local_copy
):
    response = client_for(people.bob).post(
        URL, {"organisation_number": f"{HUSFLID[:3]} {HUSFLID[3:6]} {HUSFLID[6:]}",
              "name": "Ignored", "category": "commercial"}, format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["org_number"], body["category"]) == (
        "ÅS HUSFLIDSLAG",
        HUSFLID,
        "voluntary",
    )
    assert body["voluntary_verified"] is True
    assert body["verified_by_register"] is True
    assert (body["org_form"], body["register_postcode"], body["register_town"]) == (
        "FLI",
        "1430",
        "ÅS",
    )
    assert body["register_address"] == "c/o Kari Nordmann\nStorgata 1"
    assert body["my_role"] == "admin"
    organisation = Organisation.objects.get(org_number=HUSFLID)
    assert organisation.verified_by is None and organisation.verified_at is not None
    assert Membership.objects.get(organisation=organisation).user == people.bob
    assert organisation not in organisations_awaiting_verification()


def test_a_voluntary_claim_not_in_frivillighetsregisteret_waits_for_an_officer(
    people, client_for, local_copy
):
    response = client_for(people.bob).post(
        URL, {"organisation_number": KOR, "category": "voluntary"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["voluntary_verified"] is False
    assert response.json()["verified_by_register"] is False
    organisation = Organisation.objects.get(org_number=KOR)
    assert organisation.name == "ÅS KAMMERKOR"
    assert organisation in organisations_awaiting_verification()


def test_a_category_change_drops_the_register_s_verification(people, client_for, local_copy):
    from booking.organisations import organisation_update

    client_for(people.bob).post(URL, {"organisation_number": HUSFLID}, format="json")
    organisation = Organisation.objects.get(org_number=HUSFLID)
    organisation_update(organisation=organisation, by=people.bob, category="other")
    organisation_update(organisation=organisation, by=people.bob, category="voluntary")
    assert (organisation.voluntary_verified, organisation.verified_by_register) == (False, False)


def _existing_admin(people):
    organisation = Organisation.objects.create(
        name="ÅS HUSFLIDSLAG", org_number=HUSFLID, category="voluntary"
    )
    people.alice.first_name, people.alice.last_name = "Alice", "Admin"
    people.alice.save()
    Membership.objects.create(user=people.alice, organisation=organisation, role="admin")


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("974760674", "check digit"),
        ("12345678", "check digit"),
        ("abcdefghi", "check digit"),
        (UNKNOWN, "Enhetsregisteret has no organisation with this number"),
        (BYGG, "is bankrupt"),
        (SEIL, "was deleted from Enhetsregisteret"),
        (HUSFLID, "already registered in Lokale. Ask its administrator (Alice Admin)"),
    ],
)
def test_a_number_that_cannot_be_registered_is_400_on_the_number_and_saves_nothing(
    people, client_for, local_copy, settings, number, says
):
    settings.BRREG_URL = ""
    if number == HUSFLID:
        _existing_admin(people)
    before = _counts()
    response = client_for(people.bob).post(
        URL, {"organisation_number": number, "category": "voluntary"}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert says in " ".join(response.json()["organisation_number"])
    assert _counts() == before


def test_the_older_field_name_gets_its_errors_under_that_name(people, client_for, local_copy):
    response = client_for(people.bob).post(
        URL, {"org_number": BYGG, "category": "commercial"}, format="json"
    )
    assert response.status_code == 400
    assert "is bankrupt" in response.json()["org_number"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organisation_number": KOR}, "category"),
        ({"organisation_number": KOR, "category": "church"}, "category"),
        ({"organisation_number": "9" * 30}, "organisation_number"),
        ({"name": "", "category": "voluntary"}, "name"),
        ({"organisation_number": KOR, "category": "other", "contact_email": "nope"},
         "contact_email"),
    ],
)  # fmt: skip
def test_other_bad_input_is_400_naming_the_field(people, client_for, local_copy, body, field):
    before = _counts()
    response = client_for(people.bob).post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert _counts() == before


def test_without_a_number_a_group_registers_as_before(people, client_for, settings):
    settings.BRREG_URL = "http://127.0.0.1:9/never-asked"
    response = client_for(people.bob).post(
        URL, {"name": "Strikkeklubben", "category": "voluntary"}, format="json"
    )
    assert response.status_code == 201, response.json()
    organisation = Organisation.objects.get(name="Strikkeklubben")
    assert (organisation.org_number, organisation.voluntary_verified) == ("", False)
    assert organisation in organisations_awaiting_verification()


def test_only_signed_in_people_register(client_for, local_copy):
    assert client_for(None).post(URL, {"organisation_number": HUSFLID}).status_code == 401
    assert not Organisation.objects.exists()


def test_a_number_found_over_the_register_api_is_registered_and_kept(people, client_for, register):
    number = numbers(1, start=52000000)[0]
    register.units[number] = enhet(number, "ÅS TURLAG", voluntary=True, lines=["Postboks 3"],
                                   postal=True)  # fmt: skip
    response = client_for(people.bob).post(URL, {"organisation_number": number}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["voluntary_verified"] is True
    assert response.json()["register_address"] == "Postboks 3"
    assert Unit.objects.get(pk=number).name == "ÅS TURLAG"
    assert register.asked == [number]


@pytest.mark.parametrize("answer", ["404", "410"])
def test_unknown_or_deleted_in_the_register_api_is_400(people, client_for, register, answer):
    number = numbers(1, start=53000000)[0]
    if answer == "410":
        register.gone[number] = deleted_enhet(number, "ÅS SEILFORENING")
    response = client_for(people.bob).post(
        URL, {"organisation_number": number, "category": "voluntary"}, format="json"
    )
    assert response.status_code == 400
    expected = "no organisation" if answer == "404" else "deleted from Enhetsregisteret"
    assert expected in response.json()["organisation_number"][0]
    assert not Organisation.objects.filter(org_number=number).exists()


@pytest.mark.parametrize("trouble", ["slow", "broken"])
def test_a_register_that_does_not_answer_is_503_with_a_message_and_saves_nothing(
    people, client_for, settings, trouble
):
    # The default timeout, 5 s; the register stalls for longer.
    with register_api(settings, timeout=5.0, stall=8.0) as register:
        number = numbers(1, start=54000000)[0]
        getattr(register, trouble).add(number)
        before = _counts()
        started = time.monotonic()
        response = client_for(people.bob).post(
            URL, {"organisation_number": number, "category": "voluntary"}, format="json"
        )
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert waited < 6.5
    assert "Enhetsregisteret does not answer" in response.json()["organisation_number"][0]
    assert response.json()["detail"] == response.json()["organisation_number"][0]
    assert response["Retry-After"] == "60"
    assert _counts() == before


# The web page


def test_the_page_registers_and_says_it_is_verified(people, client, local_copy):
    client.force_login(people.bob)
    page = client.get("/organisations/new/")
    assert page.status_code == 200
    assert b'name="organisation_number"' in page.content
    response = client.post(
        "/organisations/new/", {"organisation_number": HUSFLID, "category": ""}, follow=True
    )
    assert response.redirect_chain
    assert "ÅS HUSFLIDSLAG" in response.content.decode()
    assert Organisation.objects.get(org_number=HUSFLID).voluntary_verified is True


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"organisation_number": "974760674"}, "check digit"),
        ({"organisation_number": BYGG, "category": "other"}, "is bankrupt"),
        ({"organisation_number": "", "name": "", "category": "voluntary"}, "cannot be blank"),
    ],
)
def test_the_page_shows_what_is_wrong_and_saves_nothing(people, client, local_copy, form, says):
    client.force_login(people.bob)
    before = _counts()
    response = client.post("/organisations/new/", form)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert _counts() == before


def test_the_page_says_when_the_register_does_not_answer(people, client, register):
    number = numbers(1, start=55000000)[0]
    register.slow.add(number)
    client.force_login(people.bob)
    response = client.post("/organisations/new/", {"organisation_number": number})
    assert response.status_code == 503
    assert "Enhetsregisteret does not answer" in response.content.decode()
    assert not Organisation.objects.filter(org_number=number).exists()


def test_the_page_asks_you_to_sign_in(client):
    response = client.get("/organisations/new/")
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "/accounts/" in response["Location"]


# Two people registering the same number at once


def _hold_inserts_until_both_checked():
    """Hold both requests at their insert until both have read (as in test_race)."""
    import psycopg

    locker = psycopg.connect(**connection.get_connection_params())
    cursor = locker.cursor()
    cursor.execute("LOCK TABLE booking_organisation IN SHARE ROW EXCLUSIVE MODE")

    def release():
        deadline, waiting = time.monotonic() + 30, 0
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            waiting = cursor.fetchone()[0]
            if waiting == 2:
                break
            time.sleep(0.01)
        locker.commit()
        locker.close()
        assert waiting == 2, f"only {waiting} requests reached the insert"

    return release


def _race_registration(live_server, people, number: str) -> list[tuple[int, dict]]:
    release = _hold_inserts_until_both_checked()
    tokens = [Token.objects.create(user=user).key for user in (people.alice, people.bob)]
    barrier = threading.Barrier(2)
    url = f"{live_server.url}{URL}"
    body = {"organisation_number": number, "category": "voluntary"}
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(_post, url, token, body, barrier) for token in tokens]
        release()
        return [f.result() for f in futures]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_registering_one_number_at_once_make_one_organisation(live_server, people):
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")
    Unit.objects.create(org_number=HUSFLID, name="ÅS HUSFLIDSLAG", voluntary=True,
                        imported_at=timezone.now())  # fmt: skip
    results = _race_registration(live_server, people, HUSFLID)
    assert sorted(status for status, _ in results) == [201, 400], results
    organisation = Organisation.objects.get(org_number=HUSFLID)
    assert organisation.memberships.count() == 1
    # The one who came second is told whom to ask: the first.
    refused = next(body for status, body in results if status == 400)
    admin = organisation.memberships.get().user
    assert admin.get_full_name() in refused["organisation_number"][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_unique_number_the_same_race_makes_two(live_server, people):
    """The guard switched off: the check before the insert alone lets both in."""
    if connection.vendor != "postgresql":
        pytest.skip("threads with their own connections need a server database")
    Unit.objects.create(org_number=HUSFLID, name="ÅS HUSFLIDSLAG", voluntary=True,
                        imported_at=timezone.now())  # fmt: skip
    unique = next(
        c for c in Organisation._meta.constraints if c.name == "organisation_org_number_unique"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Organisation, unique)
    try:
        results = _race_registration(live_server, people, HUSFLID)
        assert sorted(status for status, _ in results) == [201, 201], results
        assert Organisation.objects.filter(org_number=HUSFLID).count() == 2
    finally:
        Organisation.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Organisation, unique)


def test_a_person_who_has_not_confirmed_their_email_registers_nothing(
    people, client_for, local_copy
):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=people.bob, email="bob@example.org", verified=False)
    before = _counts()
    response = client_for(people.bob).post(
        URL,
        {"organisation_number": HUSFLID, "category": "voluntary"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert "Confirm your email address" in response.json()["detail"]
    assert _counts() == before
    EmailAddress.objects.filter(user=people.bob).update(verified=True)
    assert (
        client_for(people.bob)
        .post(URL, {"organisation_number": HUSFLID}, format="json")
        .status_code
        == 201
    )
