"""GET /api/v1/directory/: public, only listed organisations, never a member's data; the
same number of queries for 1 organisation and 500 (the page's too)."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from booking.models import Organisation, Site
from community.models import PublicProfile
from tests.community.conftest import HIDDEN_NAME, PRIVATE

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "name", "introduction", "activities", "categories", "age_groups", "area", "sites",
    "how_to_join", "website", "public_email", "phone", "logo", "logo_thumbnail",
    "verified_voluntary", "url",
}  # fmt: skip


def get(path: str, status=200):
    response = Client().get(path)
    assert response.status_code == status, response.content[:500]
    return response


def test_the_api_lists_only_listed_organisations_and_nothing_of_members(directory_world):
    w = directory_world
    paths = ["/api/v1/directory/", "/api/v1/directory/?q=korps", "/api/v1/directory/?q=bridge",
             "/api/v1/directory/?category=recreation", "/api/v1/directory/?age_group=adults",
             *(f"/api/v1/directory/{o.pk}/" for o in (w.chess, w.band, w.handball))]  # fmt: skip
    for path in paths:
        text = get(path).content.decode()
        assert HIDDEN_NAME not in text and "bridge@example.org" not in text
        for private in PRIVATE:
            assert private not in text, (path, private)
    assert HIDDEN_NAME not in get(f"/api/v1/directory/{w.hidden.pk}/", status=404).content.decode()
    names = [r["name"] for r in get("/api/v1/directory/").json()["results"]]
    assert sorted(names) == sorted([w.chess.name, w.band.name, w.handball.name])


def test_an_entry(directory_world):
    w = directory_world
    chess = get(f"/api/v1/directory/{w.chess.pk}/").json()
    assert set(chess) == FIELDS
    assert chess["introduction"] == "Sjakk for alle i Ås, hver tirsdag."
    assert chess["categories"] == ["recreation"]
    assert chess["age_groups"] == ["children", "adults"]
    assert chess["sites"] == [{"id": w.people.room.site.pk, "name": w.people.room.site.name}]
    assert chess["website"] == "https://sjakk.example.org"
    assert chess["phone"] == ""  # not chosen to show
    assert chess["verified_voluntary"] is True
    assert chess["url"].endswith(f"/organisations/{w.chess.pk}/about/")
    assert get(chess["url"]).status_code == 200
    band = get(f"/api/v1/directory/{w.band.pk}/").json()
    assert band["phone"] == w.band.contact_phone  # the organisation's, chosen to show


def test_search_and_filters(directory_world):
    w = directory_world

    def names(query):
        return sorted(r["name"] for r in get(f"/api/v1/directory/?{query}").json()["results"])

    assert names("q=korps") == [w.band.name]
    assert names("q=SJAKK") == [w.chess.name]
    assert names("category=sports") == [w.handball.name]
    assert names("age_group=youth") == sorted([w.band.name, w.handball.name])
    assert names(f"site={w.nordby.pk}") == [w.band.name]
    page = get("/api/v1/directory/?limit=1&offset=1").json()
    assert page["count"] == 3 and len(page["results"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [("category=darts", "category"), ("age_group=babies", "age_group"), ("site=999999", "site"),
     ("site=abc", "site"), ("q=" + "x" * 101, "q"), ("limit=0", "limit")],
)  # fmt: skip
def test_bad_parameters_are_a_400_naming_them(directory_world, query, field):
    response = get(f"/api/v1/directory/?{query}", status=400)
    assert field in response.json()


def test_the_api_writes_nothing(directory_world, client_for):
    w = directory_world
    for client in (client_for(None), client_for(w.people.alice)):
        assert client.post("/api/v1/directory/", {"name": "x"}).status_code in (401, 403, 405)
        response = client.patch(f"/api/v1/directory/{w.chess.pk}/", {"name": "x"})
        assert response.status_code in (401, 403, 405)
    assert Organisation.objects.get(pk=w.chess.pk).name == w.chess.name


def make_listed(n: int) -> None:
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Lag {i:03}", category="voluntary", in_directory=True,
                     public_description="Et lag.") for i in range(n)
    )  # fmt: skip
    PublicProfile.objects.bulk_create(
        PublicProfile(organisation=o, activities="fotball, lag", categories=["sports"],
                      age_groups=["youth"], search_text="fotball, lag") for o in organisations
    )  # fmt: skip
    # Every profile with a site, so that the prefetch has rows to read.
    place = Site.objects.create(name="Lagets skole", kind="school")
    PublicProfile.sites.through.objects.bulk_create(
        PublicProfile.sites.through(publicprofile_id=o.pk, site_id=place.pk) for o in organisations
    )


def queries(path: str) -> int:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "path",
    ["/organisations/", "/organisations/?q=lag&category=sports&age_group=youth",
     "/api/v1/directory/", "/api/v1/directory/?q=lag&category=sports&age_group=youth"],
)  # fmt: skip
def test_the_same_queries_for_1_and_500_organisations(db, path):
    make_listed(1)
    one = queries(path)
    make_listed(499)
    five_hundred = queries(path)
    # page: the page's organisations with their profiles and the total (one statement),
    # the sites to filter by; API: the same, and their sites
    assert one == five_hundred == 2
    if path.startswith("/api/"):
        body = json.loads(Client().get(path).content)
        assert body["count"] == 500 and len(body["results"]) == 100


@pytest.mark.parametrize("path", ["/organisations/?page={n}", "/api/v1/directory/?offset={o}"])
def test_paging_past_the_first_page_and_beyond_the_last(db, path):
    make_listed(45)
    for n, o in ((1, 0), (3, 40), (9, 400), ("x", 0)):
        response = Client().get(path.format(n=n, o=o))
        assert response.status_code == 200, (n, response.content[:200])
        text = response.content.decode()
        if path.startswith("/api/"):
            body = json.loads(text)
            assert body["count"] == 45
            assert len(body["results"]) == {0: 45, 40: 5, 400: 0}[o]
        else:
            # 20 to a page: page 3 holds the last 5; beyond the last shows the last
            assert text.count('class="card organisation') == (20 if n in (1, "x") else 5)
