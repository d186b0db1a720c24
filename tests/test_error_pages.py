"""The error pages in production (DEBUG off): our layout and the visitor's language, never
Django's bare English; and the accessibility statement linked from every page's footer."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from config.pages import server_error

pytestmark = pytest.mark.django_db

production = override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
FOOTER = ('href="/privacy/"', 'href="/accessibility/"')


def ours(response) -> str:
    html = response.content.decode()
    assert '<footer class="bottom">' in html and 'lang="nb"' in html
    assert all(link in html for link in FOOTER)
    return html


@production
def test_400_is_ours_in_bokmal():
    response = Client().get("/rooms/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in ours(response)


@production
def test_403_is_ours_in_bokmal(people):
    client = Client()
    client.force_login(people.alice)
    response = client.get("/caretaker/")
    assert response.status_code == 403
    assert "Du har ikke tilgang til denne siden" in ours(response)


@production
def test_404_is_ours_in_bokmal_and_in_english_when_chosen():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Fant ikke siden" in ours(response)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "The page was not found" in english.get("/no-such-page/").content.decode()


@production
@override_settings(ROOT_URLCONF="tests.error_urls")
def test_500_is_ours_in_bokmal():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = ours(response)
    assert "Noe gikk galt" in html
    assert "Server Error" not in html


@production
def test_the_500_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()


@production
def test_a_form_without_its_csrf_token_is_ours_in_bokmal():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "x", "password": "y"}
    )
    assert response.status_code == 403
    html = ours(response)
    assert "Skjemaet var utløpt" in html
    assert "CSRF verification failed" not in html


@override_settings(
    MUNICIPALITY_NAME="Fjordvik kommune", MUNICIPALITY_CONTACT="postmottak@fjordvik.kommune.no"
)
def test_the_accessibility_statement_names_the_municipality_and_the_checks():
    response = Client().get("/accessibility/")
    assert response.status_code == 200
    html = ours(response)
    for text in (
        "Tilgjengelighetserklæring for Lokale",
        "Fjordvik kommune er ansvarlig",
        "postmottak@fjordvik.kommune.no",
        "WCAG 2.1",
        "1.4.3",
        "360",
        "1280",
        "Kjente mangler",
        "Tilsynet for universell utforming av IKT",
        'href="https://uustatus.no/"',
        "30. november 2026",
    ):
        assert text in html, text


@pytest.mark.parametrize("path", ["/rooms/", "/privacy/", "/calendar/", "/lending/"])
def test_every_page_links_privacy_and_accessibility_in_its_footer(path):
    response = Client().get(path)
    assert response.status_code == 200
    ours(response)
