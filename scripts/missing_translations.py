"""Print the msgids the code uses that locale/nb or locale/nn does not translate.

Django's own ``makemessages`` extracts the msgids from a copy of the project (so that the
real catalogues are not rewritten); a msgid counts as translated in a language when its
.po file has it with a non-empty msgstr (every plural form) and without the fuzzy flag.
Exit status 1 when anything is missing.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nb", "nn")
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "__pycache__", "staticfiles", "media", "*.sqlite3", "*.mo"
)


def used_msgids(root: Path = ROOT) -> list[polib.POEntry]:
    """Every entry makemessages finds in the .py, .html and .txt files under ``root``."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(root, copy, ignore=SKIP)
        env = {**os.environ, "DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "nb", "--keep-pot"],
            cwd=copy, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return [e for e in polib.pofile(str(copy / "locale" / "django.pot")) if e.msgid]


def _translated(entry: polib.POEntry | None) -> bool:
    if entry is None or entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def missing(languages: tuple[str, ...] = LANGUAGES, root: Path = ROOT) -> dict[str, list[str]]:
    """For each language, the msgids (``context|msgid`` when there is a context) that its
    .po file lacks or leaves untranslated or fuzzy."""
    used = used_msgids(root)
    result = {}
    for language in languages:
        po_path = root / "locale" / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(po_path)) if po_path.exists() else []
        known = {(e.msgctxt, e.msgid): e for e in catalogue}
        result[language] = [
            f"{e.msgctxt}|{e.msgid}" if e.msgctxt else e.msgid
            for e in used
            if not _translated(known.get((e.msgctxt, e.msgid)))
        ]
    return result


def main() -> int:
    gaps = missing()
    for language, msgids in gaps.items():
        for msgid in msgids:
            print(f"{language}\t{msgid!r}")
        print(f"{language}: {len(msgids)} missing", file=sys.stderr)
    return 1 if any(gaps.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
