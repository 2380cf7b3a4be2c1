"""``tongban demo``: migrate, load the demo city, and serve it with a task worker.

``tongban demo --load-only`` loads (or refreshes) the demo city and exits.

The web server (gunicorn) and the worker run as child processes in their own process
group, so Ctrl-C reaches only this command, which then stops both in order. If either
child dies, the other is stopped and the command fails.
"""

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import translation

from tongban.demo import data
from tongban.demo.case_loader import load_demo_cases
from tongban.demo.loader import KINDS, load_demo_city
from tongban.org.models import Applicant, StaffRole
from tongban.supervision import demo_data as supervision_demo
from tongban.violations import demo_data as violations_demo

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
READY_TIMEOUT = 30.0  # seconds for gunicorn to start listening
STOP_TIMEOUT = 10.0  # seconds for a child to exit after SIGTERM before it is killed
GRACEFUL_TIMEOUT = 5  # gunicorn's limit for in-flight requests when stopping


@dataclass
class Child:
    name: str
    process: subprocess.Popen

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


def _pdeathsig_preexec():
    """A ``preexec_fn`` asking Linux to SIGTERM the child when this command dies.

    Without it, a ``kill -9`` of the command would leave the server holding the port.
    Prepared in the parent, so the child runs no imports between fork and exec.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _gunicorn() -> list[str]:
    beside = Path(sys.executable).parent / "gunicorn"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("gunicorn")
    return [found] if found else [sys.executable, "-m", "gunicorn"]


def _gunicorn_has_setting(name: str) -> bool:
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:
        return False
    return any(setting.name == name for setting in KNOWN_SETTINGS)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]


def account_rows() -> list[list[str]]:
    """The demo accounts as table rows: username, role (中文, English), scope, password."""
    agencies = data.AGENCY_BY_KEY
    points = data.SERVICE_POINT_BY_KEY

    def bilingual(label) -> tuple[str, str]:
        with translation.override("zh-hans"):
            chinese = str(label)
        with translation.override("en"):
            english = str(label)
        return chinese, english

    rows = [["username", "角色", "role", "范围 scope", "密码 password"]]
    for staff in data.STAFF:
        scope = [
            agencies[staff.agency_key].name if staff.agency_key else "",
            points[staff.point_key].name if staff.point_key else "",
            f"{staff.window_number} 窗口" if staff.window_number else "",
        ]
        chinese, english = bilingual(StaffRole(staff.role).label)
        where = " ".join(filter(None, scope))
        rows.append([staff.username, chinese, english, where, data.DEMO_PASSWORD])
    for applicant in data.APPLICANTS:
        chinese, english = bilingual(Applicant.Kind(applicant.kind).label)
        rows.append(
            [
                applicant.username,
                f"申请人（{chinese}）",
                f"Applicant ({english.lower()})",
                applicant.name,
                data.DEMO_PASSWORD,
            ]
        )
    return rows


def banner(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"0.0.0.0", "", "::"} else host  # noqa: S104
    if ":" in shown:
        shown = f"[{shown}]"
    base = f"http://{shown}:{port}"
    links = [
        ["门户 Portal", f"{base}/"],
        ["工作台 Workbench", f"{base}/workbench/"],
        ["管理后台 Admin", f"{base}/admin/"],
        ["接口文档 API docs", f"{base}/api/v1/docs"],
        ["OpenAPI", f"{base}/api/v1/openapi.json"],
    ]
    rule = "=" * 78
    lines = [
        rule,
        f"  通办 tongban 演示城市 demo city: {data.CITY[1]} ({data.CITY[0]})",
        rule,
        *("  " + line for line in _table(links)),
        "",
        "  演示账号 Demo accounts (所有账号同一密码 one password for all):",
        *("  " + line for line in _table(account_rows())),
        "",
        "  按 Ctrl-C 停止 Press Ctrl-C to stop (web server and task worker).",
        rule,
    ]
    return "\n".join(line.rstrip() for line in lines)


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _listening(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in {"0.0.0.0", ""} else host  # noqa: S104
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = (
        "Migrate, load the demo city and serve it (web server and task worker) until "
        "Ctrl-C; with --load-only, just load the demo city."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--load-only",
            action="store_true",
            help="Load (or refresh) the demo city and exit; does not migrate or serve.",
        )
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")

    def handle(self, *args, **options):
        if options["load_only"]:
            self._load()
            return
        host, port = options["host"], options["port"]
        if not _port_free(host, port):
            raise CommandError(
                f"端口 {port} 已被占用 Port {port} on {host} is in use: choose another with --port."
            )
        try:
            self.stdout.write("迁移数据库 Migrating the database…")
            call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
            self._load()
            self.stdout.write("收集静态文件 Collecting static files…")
            call_command("collectstatic", interactive=False, verbosity=0)
        except KeyboardInterrupt:  # before anything was started: nothing to stop
            raise CommandError("已中断 Interrupted.", returncode=130) from None
        connections.close_all()  # the children open their own
        self._serve(host, port)

    # --- loading -----------------------------------------------------------------------

    def _load(self) -> None:
        try:
            counts = load_demo_city()
            cases = load_demo_cases()["cases_created"]
            # Results decided before the supervision app was there are pushed once; the
            # regulator's officer has one violation notice waiting (both idempotent).
            supervision_demo.load()
            violations_demo.load()
        except DatabaseError as error:
            raise CommandError(
                f"加载演示数据失败 Could not load the demo city ({error}); "
                "has the database been migrated (tongban migrate)?"
            ) from error
        if cases:
            self.stdout.write(f"已加载演示办件 Demo cases loaded: {cases}")
        if not any(counts.values()):
            self.stdout.write("演示城市已是最新 The demo city is up to date: nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS("已加载演示城市 Demo city loaded:"))
        for kind in KINDS:
            created, updated = counts[f"{kind}_created"], counts[f"{kind}_updated"]
            if created or updated:
                self.stdout.write(f"  {kind}: {created} created, {updated} updated")

    # --- serving -----------------------------------------------------------------------

    def _serve(self, host: str, port: int) -> None:
        stop: list[int] = []

        def request_stop(signum, frame):
            stop.append(signum)

        # Handlers first: a Ctrl-C while the children start must not orphan them.
        previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
        children: list[Child] = []
        failed: Child | None = None
        try:
            children = self._start_children(host, port)
            failed = self._wait_until_ready(children, host, port, stop)
            if failed is None and not stop:
                self.stdout.write(banner(host, port))
                self.stdout.flush()
                failed = self._supervise(children, stop)
        finally:
            self._stop_children(children)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failed is not None:
            raise CommandError(
                f"{failed.name} 意外退出 exited unexpectedly (code {failed.process.returncode}); "
                "the other process was stopped."
            )
        self.stdout.write("已停止 Stopped: web server and task worker.")

    def _start_children(self, host: str, port: int) -> list[Child]:
        env = os.environ.copy()
        env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "tongban.settings")
        env.setdefault("TONGBAN_VAR_DIR", str(settings.VAR_DIR))
        env["PYTHONUNBUFFERED"] = "1"
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        commands = [
            (
                "web server (gunicorn)",
                [
                    *_gunicorn(),
                    "tongban.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--worker-class",
                    "gthread",
                    "--graceful-timeout",
                    str(GRACEFUL_TIMEOUT),
                    # Newer gunicorns open a control socket at one fixed path in $HOME,
                    # which a second demo (or a test) would fight over; nothing uses it.
                    *(
                        ["--no-control-socket"]
                        if _gunicorn_has_setting("control_socket_disable")
                        else []
                    ),
                ],
            ),
            ("task worker", [sys.executable, "-m", "tongban.cli", "worker"]),
            ("periodic tasks", [sys.executable, "-m", "tongban.cli", "periodic"]),
        ]
        preexec = _pdeathsig_preexec()
        children = []
        for name, command in commands:
            process = subprocess.Popen(command, env=env, process_group=0, preexec_fn=preexec)
            children.append(Child(name, process))
        return children

    def _wait_until_ready(
        self, children: list[Child], host: str, port: int, stop: list[int]
    ) -> Child | None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not stop and time.monotonic() < deadline:
            dead = next((child for child in children if not child.alive), None)
            if dead is not None:
                return dead
            if _listening(host, port):
                return None
            time.sleep(0.2)
        if not stop:
            self.stderr.write(f"The web server is not answering on port {port} yet; waiting.")
        return None

    def _supervise(self, children: list[Child], stop: list[int]) -> Child | None:
        """Wait for a stop signal (→ None) or for a child to die (→ that child)."""
        while not stop:
            for child in children:
                if not child.alive:
                    return child
            time.sleep(0.2)
        return None

    def _stop_children(self, children: list[Child]) -> None:
        for child in children:
            if child.alive:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{child.name} did not stop in time; killing it.")
                # Its own group: gunicorn's workers go with the master.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
