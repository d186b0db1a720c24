"""Every text the code marks for translation has a bokmål and a nynorsk translation.

The msgids come from Django's makemessages run on a copy of the project
(scripts/missing_translations.py), not from reading the .po files by eye.
"""

import importlib.util
import shutil
from pathlib import Path

import polib
import pytest
from django.core import mail

from notifications.models import Message

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "missing_translations", ROOT / "scripts" / "missing_translations.py"
)
missing_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(missing_translations)

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext")


def test_every_msgid_the_code_uses_is_translated_in_bokmal_and_nynorsk():
    gaps = missing_translations.missing()
    assert gaps == {"nb": [], "nn": []}, (
        "untranslated msgids (scripts/missing_translations.py lists them): " + repr(gaps)
    )


def test_a_new_msgid_without_translations_is_named(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=missing_translations.SKIP)
    (copy / "templates" / "probe.html").write_text(
        '{% load i18n %}{% translate "A text nobody has translated yet" %}'
        '{% translate "Find a room" %}'
    )
    nn_po = copy / "locale" / "nn" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(nn_po))
    catalogue.find("Find a room").flags.append("fuzzy")
    catalogue.save()

    gaps = missing_translations.missing(root=copy)

    assert gaps["nb"] == ["A text nobody has translated yet"]
    assert sorted(gaps["nn"]) == ["A text nobody has translated yet", "Find a room"]


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.mark.django_db
def test_the_language_switch_offers_the_two_other_languages(client, settings):
    page = client.get("/rooms/").content.decode()
    assert '<html lang="nb">' in page
    assert 'value="nn" lang="nn">Nynorsk<' in page and 'value="en" lang="en">English<' in page
    assert 'value="nb"' not in page

    response = client.post("/i18n/setlang/", {"language": "nn", "next": "/rooms/"})
    assert (
        response.status_code == 302
        and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
    )
    page = client.get("/rooms/").content.decode()
    assert '<html lang="nn">' in page and "<h1>Finn rom</h1>" in page
    assert 'value="nb" lang="nb">Bokmål<' in page and 'value="en"' in page
    assert 'value="nn"' not in page


@pytest.mark.django_db
def test_api_clients_may_ask_for_nynorsk(client):
    response = client.post("/api/v1/bookings/", {}, HTTP_ACCEPT_LANGUAGE="nn")
    assert response.status_code in (401, 403)
    assert response["Content-Language"] == "nn"
    assert response.json()["detail"] == "Manglende autentiseringsinformasjon."  # DRF's own nn


@pytest.mark.django_db
def test_signing_up_in_nynorsk_mails_in_nynorsk(client, settings, sent):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"
    password = "ein-lang-og-trygg-123"
    response = sent(
        lambda: client.post(
            "/accounts/signup/",
            {"email": "ny@example.org", "password1": password, "password2": password},
        )
    )
    assert response.status_code == 302
    message = Message.objects.get(recipient="ny@example.org")
    assert message.language == "nn"
    (mail_sent,) = mail.outbox
    assert "Hei frå" in mail_sent.body and "ikke" not in mail_sent.body
