"""Extract translatable strings for every app with a locale folder, then compile them.

Needs GNU gettext (``apt-get install gettext``) for extraction; compiled .mo files are
committed, so a fresh machine needs no gettext to run tongban.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "tongban"
# -P: the app folder is the working directory, and its modules (cases/warnings.py) must
# not shadow the standard library's.
TONGBAN = [sys.executable, "-P", "-m", "tongban.cli"]

# Settings create var/ in the working directory; keep it out of the source tree.
os.environ.setdefault("TONGBAN_VAR_DIR", tempfile.mkdtemp(prefix="tongban-messages-"))
for locale_dir in sorted(SRC.glob("*/locale")):
    app_dir = locale_dir.parent
    print(f"== {app_dir.name}")
    subprocess.check_call([*TONGBAN, "makemessages", "-l", "zh_Hans", "--no-obsolete"], cwd=app_dir)
    subprocess.check_call([*TONGBAN, "compilemessages", "-l", "zh_Hans"], cwd=app_dir)
