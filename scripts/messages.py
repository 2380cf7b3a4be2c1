"""Extract translatable strings for every app with a locale folder, then compile them.

Needs GNU gettext (``apt-get install gettext``) for extraction; compiled .mo files are
committed, so a fresh machine needs no gettext to run tongban.
"""

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "tongban"
TONGBAN = [sys.executable, "-m", "tongban.cli"]

for locale_dir in sorted(SRC.glob("*/locale")):
    app_dir = locale_dir.parent
    print(f"== {app_dir.name}")
    subprocess.check_call([*TONGBAN, "makemessages", "-l", "zh_Hans", "--no-obsolete"], cwd=app_dir)
    subprocess.check_call([*TONGBAN, "compilemessages", "-l", "zh_Hans"], cwd=app_dir)
