"""Compile locale/*/LC_MESSAGES/*.po into the .mo files Django reads, with polib: no GNU
gettext needed (`make messages` runs makemessages, which does need it, then this)."""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def main() -> int:
    compiled = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        untranslated = [e.msgid for e in po.untranslated_entries()]
        if untranslated or po.fuzzy_entries():
            print(f"{po_path}: {len(untranslated)} untranslated, {len(po.fuzzy_entries())} fuzzy")
            return 1
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        compiled += 1
        print(f"{po_path.with_suffix('.mo').relative_to(LOCALE.parent)}: {len(po)} messages")
    return 0 if compiled else 1


if __name__ == "__main__":
    sys.exit(main())
