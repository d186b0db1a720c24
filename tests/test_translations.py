"""Every text the code marks for translation has a bokmål and a nynorsk translation.

The msgids come from Django's makemessages run on a copy of the project
(scripts/missing_translations.py), not from reading the .po files by eye.
"""

import importlib.util
import shutil
from pathlib import Path

import polib
import pytest

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
