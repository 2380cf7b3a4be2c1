"""``tongban demo``: the load-only mode, the banner, and the real server started and stopped."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tongban.core.models import AuditEntry
from tongban.demo import data
from tongban.demo.management.commands.demo import banner
from tongban.org.models import Region, StaffRole


@pytest.mark.django_db
def test_load_only_prints_counts_then_nothing_to_change():
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    assert f"regions: {Region.objects.count()} created, 0 updated" in out.getvalue()
    assert AuditEntry.objects.filter(action="demo.load").count() == 1

    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_banner_lists_the_urls_and_every_demo_account():
    text = banner("127.0.0.1", 8123)
    for path in ("/", "/workbench/", "/admin/", "/api/v1/docs", "/api/v1/openapi.json"):
        assert f"http://127.0.0.1:8123{path}" in text
    for username in [row.username for row in data.STAFF] + ["citizen", "enterprise"]:
        assert f"\n  {username} " in text
    assert "窗口受理人员" in text and "Window clerk" in text
    assert data.DEMO_PASSWORD in text
    covered = {row.role for row in data.STAFF}
    assert covered == set(StaffRole.values)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 -- local http
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, grandchildren), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name may hold spaces: the fields after it start past ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_demo_serves_and_stops_both_children_on_sigint(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "TONGBAN_VAR_DIR": str(tmp_path),  # a fresh SQLite database
        "DJANGO_SETTINGS_MODULE": "tongban.settings",  # the real profile: manifest static
    }
    env.pop("TONGBAN_DATABASE_URL", None)
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tongban.cli", "demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            with contextlib.suppress(OSError):
                if _get(f"{base}/api/v1/health") == 200:
                    break
            assert time.monotonic() < deadline, (tmp_path / "demo.log").read_text()
            time.sleep(0.5)
        assert _get(f"{base}/") == 200
        children = _descendants(process.pid)
        assert len(children) >= 3, children  # gunicorn master and workers, task worker

        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()

    output = (tmp_path / "demo.log").read_text()
    assert returncode == 0, output
    assert "tongban-demo-2026" in output and f"{base}/workbench/" in output
    time.sleep(0.5)  # orphaned grandchildren, if any, would still be running now
    assert not [pid for pid in children if _running(pid)], output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
