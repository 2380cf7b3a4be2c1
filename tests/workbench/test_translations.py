"""Our Chinese is what people see: no other app's catalogue shadows a portal/workbench msgid.

Django merges catalogues with apps listed earlier in INSTALLED_APPS winning, so a msgid
the admin also uses ("Log out" → 注销) would silently show the admin's wording.
"""

from pathlib import Path

import polib
import pytest
from django.utils import translation

import tongban

CATALOGUES = [
    Path(tongban.__file__).parent / app / "locale/zh_Hans/LC_MESSAGES/django.po"
    for app in ("portal", "workbench")
]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_entry_is_translated_and_not_shadowed(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.untranslated_entries()
    shadowed = []
    with translation.override("zh-hans"):
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                continue
            if entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                shown = translation.gettext(entry.msgid)
            if shown != entry.msgstr:
                shadowed.append(f"{entry.msgid!r}: ours {entry.msgstr!r}, shown {shown!r}")
    assert not shadowed, "\n".join(shadowed)
