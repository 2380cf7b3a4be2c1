"""Fail when a translation catalogue has an untranslated or fuzzy entry, or a stale .mo.

Pure Python (polib), so it runs where gettext is not installed.
"""

import sys
from pathlib import Path

import polib

SRC = Path(__file__).resolve().parent.parent / "src" / "tongban"
problems = []
for po_path in sorted(SRC.glob("*/locale/*/LC_MESSAGES/django.po")):
    catalogue = polib.pofile(str(po_path))
    name = po_path.relative_to(SRC)
    for entry in catalogue.untranslated_entries():
        problems.append(f"{name}: untranslated: {entry.msgid!r}")
    for entry in catalogue.fuzzy_entries():
        problems.append(f"{name}: fuzzy: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{name}: no compiled .mo beside it (run `make messages`)")
        continue
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(mo_path)) if e.msgid}
    expected = {e.msgid: e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural}
    stale = [msgid for msgid, text in expected.items() if compiled.get(msgid) != text]
    if stale:
        problems.append(f"{name}: .mo is stale for {len(stale)} entries (run `make messages`)")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("translations complete")
