"""A reviewer's inbox and a case detail at volume (1,000,000 cases on PostgreSQL).

Cases and their histories are generated in the database with one INSERT … SELECT each
(90 % closed, the open ones spread over 40 agencies, deadlines from overdue to weeks
ahead). Then 16 concurrent clients ask a gunicorn with 2 sync workers for the reviewer's
first inbox page (the API's, with its count) and for case details; p50/p99 per request.

Baseline, same run and clients: the health endpoint (the same session, user and roles,
one ``SELECT 1``), which shows what the HTTP stack, the 2 cores and the 16 clients cost
before any case is read.
"""

import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction

from tongban.cases.models import Case
from tongban.org.models import Agency, StaffAssignment, StaffRole

from . import cases_fixture

CASES = int(
    os.environ.get(
        "TONGBAN_BENCH_CASES", "1000000" if connection.vendor == "postgresql" else "20000"
    )
)
CLIENTS = 16
REQUESTS_PER_CLIENT = int(os.environ.get("TONGBAN_BENCH_REQUESTS", "100"))
AGENCIES = 40
EVENTS_PER_CASE = 4


def _agencies(w) -> list[int]:
    ids = [w.agency.pk]
    for n in range(1, AGENCIES):
        agency, _ = Agency.objects.get_or_create(
            credit_code=f"11371400MB{n:07d}X",
            defaults={
                "name": f"压测部门{n}",
                "kind": Agency.Kind.LINE_DEPARTMENT,
                "region": w.agency.region,
            },
        )
        ids.append(agency.pk)
    return ids


def generate(w, count: int) -> None:
    """``count`` cases with ``EVENTS_PER_CASE`` history rows each, in bulk SQL."""
    agencies = _agencies(w)
    version = w.item.versions.get()
    start = Case.objects.count()
    is_pg = connection.vendor == "postgresql"
    now = "now()" if is_pg else "CURRENT_TIMESTAMP"

    def days(expr: str) -> str:
        return (
            f"({now} + ({expr}) * interval '1 day')"
            if is_pg
            else f"datetime('now', ({expr}) || ' days')"
        )

    series = (
        f"generate_series({start + 1}, {start + count}) AS g"
        if is_pg
        else (
            f"(WITH RECURSIVE s(g) AS (SELECT {start + 1} UNION ALL SELECT g + 1 FROM s"
            f" WHERE g < {start + count}) SELECT g FROM s) AS series"
        )
    )
    agency_array = ",".join(map(str, agencies))
    agency_pick = (
        f"(ARRAY[{agency_array}])[1 + (g / 10) % {len(agencies)}]"
        if is_pg
        else "CASE (g / 10) % {n} {whens} END".format(
            n=len(agencies),
            whens=" ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(agencies)),
        )
    )
    open_case = "g % 10 = 0"
    columns = {
        "code": "'VOL' || g",
        "item_id": str(w.item.pk),
        "item_version_id": str(version.pk),
        "applicant_id": str(w.applicant.pk),
        "submitted_by_id": str(w.citizen.pk),
        "on_behalf": "false" if is_pg else "0",
        "channel": "'portal'",
        "answers": "'[]'",
        "form_data": "'{}'",
        "status": f"CASE WHEN {open_case} THEN 'in_review' ELSE 'closed' END",
        "case_type": "'committed'",
        "deciding_agency_id": agency_pick,
        "step_agency_id": f"CASE WHEN {open_case} THEN {agency_pick} ELSE NULL END",
        "service_point_id": str(w.hall.pk),
        "window_id": "NULL",
        "window_kind": "'comprehensive'",
        "accepted_by_id": str(w.clerk.pk),
        "pickup_point_id": str(w.hall.pk),
        "step_index": "0",
        # a third of the open cases wait for a chief's decision, the rest for review
        "step_kind": f"CASE WHEN {open_case} THEN CASE WHEN (g / 10) % 3 = 0 THEN 'decision' ELSE 'review' END ELSE '' END",
        "step_role": f"CASE WHEN {open_case} THEN CASE WHEN (g / 10) % 3 = 0 THEN 'section_chief' ELSE 'backoffice_reviewer' END ELSE '' END",
        "step_started_at": days("-(g % 7)"),
        "assignee_id": "NULL",
        "created_at": days("-(g % 700)"),
        "submitted_at": days("-(g % 700)"),
        "acceptance_due": "NULL",
        "accepted_at": days("-(g % 700)"),
        "decided_at": f"CASE WHEN {open_case} THEN NULL ELSE {days('-(g % 700) + 3')} END",
        "closed_at": f"CASE WHEN {open_case} THEN NULL ELSE {days('-(g % 700) + 4')} END",
        "promised_limit": "5",
        "limit_unit": "'working_days'",
        "statutory_limit": "20",
        "extension_days": "0",
        "promised_due": days("(g % 23) - 5"),
        "statutory_due": days("(g % 23) + 15"),
        "due_estimated": "false" if is_pg else "0",
        "deferred_due": "NULL",
        "warning_level": "'green'",
        "warned_level": "''",
        "step_warned_level": "''",
        "has_pauses": "false" if is_pg else "0",
        "overdue_reason": "''",
        "revision": "4",
    }
    sql = (
        f"INSERT INTO cases_case ({', '.join(columns)}) "
        f"SELECT {', '.join(columns.values())} FROM {series}"
    )
    actions = ["submit", "accept", "complete_step", "approve"]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            first_id = (
                Case.objects.filter(code=f"VOL{start + 1}").values_list("pk", flat=True).get()
            )
            for action in actions[:EVENTS_PER_CASE]:
                cursor.execute(
                    "INSERT INTO cases_caseevent (case_id, at, action, from_status, to_status,"
                    " actor_id, actor_label, note, data, public) "
                    f"SELECT id, accepted_at, '{action}', 'submitted', 'in_review', {w.clerk.pk},"
                    f" 'bench', '', '{{}}', {'true' if is_pg else '1'} FROM cases_case"
                    f" WHERE id >= {first_id} AND code LIKE 'VOL%'"
                )
        if is_pg:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case; ANALYZE cases_caseevent;")
    if is_pg and not connection.in_atomic_block:
        # What autovacuum does to a table at rest: the visibility map lets the inbox's
        # count read the index alone (a freshly loaded table has none).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) cases_case")
            cursor.execute("VACUUM (ANALYZE) cases_caseevent")
    print(f"case_volume_generated: {count} cases")


def _session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int) -> subprocess.Popen:
    """Two sync workers, as deploy.md allows. Not gthread here: wrk keeps its 16
    connections open, and an idle gthread worker accepts every connection that arrives,
    so one worker serves all clients while the other idles. Behind nginx (no upstream
    keep-alive) every request is a new connection and the kernel spreads them; sync
    workers, which answer one request per connection, spread them the same way."""
    env = {**os.environ, "TONGBAN_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
            "--log-level", "warning",
        ],
        env=env,
    )  # fmt: skip
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _load(port: int, paths: list[str], cookie: str) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()
    failures = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            path = rng.choice(paths)
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "zh-hans"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append((path, response.status))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"failed requests: {failures[:5]} ({len(failures)} in all)")
    return samples


WRK_SECONDS = int(os.environ.get("TONGBAN_BENCH_SECONDS", "15"))
WARM_UP_SECONDS = 3


def _wrk(port: int, paths: list[str], cookie: str, seconds: int = 0) -> tuple[float, float]:
    """p50 and p99 in ms from wrk (16 connections): a client in C leaves the two cores to
    the server, where a Python client takes half of them."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        listed = ", ".join(f'"{path}"' for path in paths)
        script.write(
            f"local paths = {{{listed}}}\n"
            "request = function()\n"
            '  return wrk.format("GET", paths[math.random(#paths)])\n'
            "end\n"
        )
    output = subprocess.run(
        [
            "wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds or WRK_SECONDS}s", "--latency",
            "-H", f"Cookie: {cookie}", "-H", "Accept-Language: zh-hans",
            "-s", script.name, f"http://127.0.0.1:{port}/",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    os.unlink(script.name)
    if "Non-2xx" in output:
        raise RuntimeError(f"failed requests:\n{output}")
    found = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    return _ms(found["50"]), _ms(found["99"])


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _measure(name: str, port: int, paths: list[str], cookie: str) -> None:
    if shutil.which("wrk"):
        # Warm up first: each worker thread opens its connection, fills its caches and
        # prepares its statements; the figures are for a server in its steady state.
        _wrk(port, paths, cookie, seconds=WARM_UP_SECONDS)
        p50, p99 = _wrk(port, paths, cookie)
        print(f"{name}_p50: {p50:.1f} ms")
        print(f"{name}_p99: {p99:.1f} ms")
    else:
        _report(name, _load(port, paths, cookie))


def _report(name: str, samples: list[float]) -> None:
    samples.sort()
    p50 = samples[len(samples) // 2] * 1000
    p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    print(f"{name}_p50: {p50:.1f} ms")
    print(f"{name}_p99: {p99:.1f} ms")


def run(inbox_path: str = "/api/v1/cases/inbox", detail_path: str = "/api/v1/cases/{pk}") -> None:
    w = cases_fixture.world()
    if not Case.objects.filter(code__startswith="VOL").exists():
        started = time.perf_counter()
        generate(w, CASES)
        print(f"case_volume_generate_time: {time.perf_counter() - started:.0f} s")
    StaffAssignment.objects.get_or_create(
        user=w.reviewer, role=StaffRole.BACKOFFICE_REVIEWER, agency=w.agency
    )
    open_ids = list(
        Case.objects.filter(
            code__startswith="VOL", deciding_agency=w.agency, closed_at__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    cookie = _session_cookie(w.reviewer)
    port = _free_port()
    connection.close()  # the server's workers open their own connections
    server = _serve(port)
    try:
        _load(port, ["/api/v1/health"], cookie)  # warm up both workers
        print(f"http_load_generator: {'wrk' if shutil.which('wrk') else 'python threads'}")
        _measure("http_baseline_health", port, ["/api/v1/health"], cookie)
        _measure("case_inbox_first_page", port, [inbox_path], cookie)
        details = [detail_path.format(pk=pk) for pk in open_ids]
        _measure("case_detail", port, details, cookie)
    finally:
        server.terminate()
        server.wait(timeout=10)
