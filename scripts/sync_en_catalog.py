"""Keep the English catalog equal to the source strings, which are written in English.

Run by `make i18n-update` after `pybabel update`: every English msgstr becomes its msgid, so a
changed source string never leaves a stale or fuzzy English translation behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def sync(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = message.id
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_by_file=True, ignore_obsolete=True)
    return changed


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "locales/en/LC_MESSAGES/messages.po")
    print(f"{target}: {sync(target)} entries synchronised")
