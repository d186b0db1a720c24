"""Compile locale/*/LC_MESSAGES/*.po and locale_allauth/*/LC_MESSAGES/*.po (every language:
nb, nn) into .mo files with polib (no system gettext needed)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    compiled = 0
    for po_path in sorted(ROOT.glob("locale*/*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        untranslated = [e.msgid for e in catalogue.untranslated_entries()]
        if untranslated:
            print(f"{po_path}: {len(untranslated)} untranslated, e.g. {untranslated[0]!r}")
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        compiled += 1
    print(f"compiled {compiled} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
