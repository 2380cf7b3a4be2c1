"""Create .venv with pip, even where Debian's python3 lacks ensurepip (no python3-venv).

Only the standard library and PyPI are used: where ``python3 -m venv`` cannot install pip,
the venv is made without it and pip's wheel is fetched from PyPI and run from the file.
"""

import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path

target = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
python = target / "bin" / "python"

if not python.exists():
    try:
        venv.create(target, with_pip=True)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"venv with pip failed ({error}); bootstrapping pip from PyPI", file=sys.stderr)
        venv.create(target, with_pip=False, clear=True)

if subprocess.call([str(python), "-m", "pip", "--version"], stdout=subprocess.DEVNULL) != 0:
    index = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(index, timeout=60) as response:
        release = json.load(response)
    wheel = next(u for u in release["urls"] if u["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / wheel["filename"]
        # Mirrors answer with addresses relative to the JSON document.
        urllib.request.urlretrieve(urllib.parse.urljoin(index, wheel["url"]), path)  # noqa: S310
        subprocess.check_call([str(python), f"{path}/pip", "install", "--quiet", str(path)])
print(f"virtualenv ready: {target}")
