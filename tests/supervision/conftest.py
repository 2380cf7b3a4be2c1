"""审管互动 tests on the cases ``world``: its food-business licence is supervised by the
city's market regulator (市场监管局), whose officers and chief claim what is pushed; a
second department, the approval bureau's chief and an auditor look on."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cases.conftest import World, world  # noqa: F401 (the fixture)
from tests.certificates.conftest import (  # noqa: F401 (fixtures)
    _own_var,
    _signing_dir,
    approved_and_issued,
    cw,
    reviewed,
)
from tests.factories import AgencyFactory, StaffRole, staff
from tongban.cases import actions as case_actions
from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.org.models import Agency, User
from tongban.org.policy import principal_for_user
from tongban.supervision import webhooks
from tongban.supervision.models import Push

SUPERVISING = Agency.Kind.SUPERVISING_DEPARTMENT
Link = ItemVersion.supervising_agencies.through


@dataclass
class SupWorld:
    base: World
    amr: Agency
    officer: User
    officer2: User
    amr_chief: User
    other: Agency
    other_officer: User
    bureau: Agency
    bureau_chief: User
    auditor: User
    admin: User

    def p(self, user):
        return self.base.p(user)

    def approve(self, **kwargs) -> Case:
        return approved_and_issued(self.base, **kwargs)


@pytest.fixture
def sw(cw) -> SupWorld:  # noqa: F811
    w = cw.base
    amr = AgencyFactory(name="德州市市场监督管理局", short_name="市市场监管局", kind=SUPERVISING)
    other = AgencyFactory(name="德州市卫生健康委员会", kind=SUPERVISING)
    bureau = AgencyFactory(name="德州市行政审批服务局", kind=Agency.Kind.APPROVAL_BUREAU)
    for version in ItemVersion.objects.filter(item=w.item):
        Link.objects.create(itemversion=version, agency=amr)
    return SupWorld(
        base=w,
        amr=amr,
        officer=staff(StaffRole.SUPERVISING_OFFICER, agency=amr, username="officer"),
        officer2=staff(StaffRole.SUPERVISING_OFFICER, agency=amr, username="officer2"),
        amr_chief=staff(StaffRole.SECTION_CHIEF, agency=amr, username="amr_chief"),
        other=other,
        other_officer=staff(StaffRole.SUPERVISING_OFFICER, agency=other, username="health"),
        bureau=bureau,
        bureau_chief=staff(StaffRole.SECTION_CHIEF, agency=bureau, username="bureau_chief"),
        auditor=staff(StaffRole.AUDITOR, agency=bureau, username="auditor"),
        admin=cw.admin,
    )


def after_issue(sw: SupWorld, case: Case, action: str, reason: str = "经营场所变更") -> Case:
    return case_actions.after_closing(sw.p(sw.base.chief), case, action, reason=reason)


def only_push(case: Case) -> Push:
    return Push.objects.get(case=case)


# ---------------------------------------------------------------- a local receiver


class Receiver:
    """A department's system on 127.0.0.1: records each request; answers ``statuses``
    in turn (200 once they run out), after ``delays`` seconds in turn."""

    def __init__(self, statuses=(), delays=()):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        self.delays = list(delays)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                import time

                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    delay = receiver.delays.pop(0) if receiver.delays else 0
                if delay:
                    time.sleep(delay)
                answer = b'{"ok": true}' if status < 300 else b'{"error": "try later"}'
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tongban/pushes"

    def keys(self) -> list[str]:
        with self.lock:
            return [r["headers"].get("Idempotency-Key") for r in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture(autouse=True)
def _http_adapter(settings):
    settings.TONGBAN_ADAPTERS = {**settings.TONGBAN_ADAPTERS, webhooks.PORT: "http"}
    settings.TONGBAN_SUPERVISION_TIMEOUT_SECONDS = 5
    webhooks.forget_sent()


def run_deliveries(limit: int = 50) -> list[str]:
    """What the worker does with the queued deliveries that are due, in the test's
    transaction (a retry enqueued for later waits unless its time has come)."""
    from django_tasks_db.models import DBTaskResult

    from tongban.supervision import tasks

    done = []
    for _ in range(limit):
        row = (
            DBTaskResult.objects.ready()
            .filter(task_path__startswith="tongban.supervision.tasks.")
            .order_by("enqueued_at")
            .first()
        )
        if row is None:
            break
        function = getattr(tasks, row.task_path.rsplit(".", 1)[1])
        row.delete()
        done.append(function.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
    return done


def principal(user):
    return principal_for_user(user)
