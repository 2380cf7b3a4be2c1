"""Instant approval (秒批) end to end over HTTP: ``POST /api/v1/instant/apply`` from 16 wrk
clients to a gunicorn with two sync workers — start and submit the application, fetch
the population register, evaluate the decision rule, accept, approve and issue as the
system, and record the certificate with its signed metadata (its PDF is rendered in the
background). Target: ≥ 300 applications/s sustained, p99 ≤ 100 ms.

Baseline, same run, same server: ``POST /bench/api/insert`` (``bench.urls``), the same
session and CSRF checks and one row inserted in one transaction.

Then, in this one process, where an application's time goes beside the baseline's: its
statements, the Python CPU and the database server's CPU per request (read from /proc
when the database runs on this machine).

The applicant is the demo city's 68-year-old resident, applying for the elderly card.
"""

import json
import os
import time

from django.db import connection, connections
from django.test import Client
from django.test.utils import override_settings

from tongban.cases.models import Case, Status
from tongban.catalog.models import SituationOption
from tongban.certificates.models import Certificate
from tongban.demo.catalog_data import ITEM_BY_KEY
from tongban.demo.loader import load_demo_city
from tongban.org.models import User

from . import http_load
from .urls import create_table

SECONDS = int(os.environ.get("TONGBAN_BENCH_SECONDS", "15"))
# Enough requests for the warm-up and the run at up to 2,000 a second.
REQUESTS = (http_load.WARM_UP_SECONDS + SECONDS) * 2000


def _load(port: int, path: str, body: str, cookie: str) -> tuple[float, float, float]:
    paths = [path] * REQUESTS
    warm_up = http_load.WARM_UP_SECONDS * 1000
    http_load.post_load(port, paths[:warm_up], body, cookie, http_load.WARM_UP_SECONDS)
    return http_load.post_load(port, paths[warm_up:], body, cookie, SECONDS)


IN_PROCESS = int(os.environ.get("TONGBAN_BENCH_IN_PROCESS", "300"))


def _backend_seconds() -> float:
    """CPU seconds of the database server processes serving this one (the ORM's and the
    case numbering's connections), read from /proc: 0 where the server is not local."""
    from tongban.cases import numbering

    pids = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
        pids += [own.info.backend_pid for own in numbering._opened if not own.closed]
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _in_process(client: Client, path: str, body: str) -> tuple[float, float, float]:
    """Per request in this one process: statements, Python CPU ms and database CPU ms
    (where the time goes, beside the rates over HTTP)."""
    for _ in range(20):  # what a process keeps is filled first
        client.post(path, body, content_type="application/json")
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.post(path, body, content_type="application/json")
    database, python = _backend_seconds(), time.process_time()
    for _ in range(IN_PROCESS):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, response.content
    python = (time.process_time() - python) / IN_PROCESS * 1000
    database = (_backend_seconds() - database) / IN_PROCESS * 1000
    return len(statements), python, database


def run() -> None:
    if not http_load.has_wrk():
        print("instant_apply_rate: skipped (no wrk)")
        return
    load_demo_city()
    create_table()
    citizen = User.objects.get(username="citizen")
    cookie = http_load.session_cookie(citizen)
    item = ITEM_BY_KEY["senior_card"].impl_code
    myself = SituationOption.objects.get(
        question__version__item__impl_code=item,
        question__version__status="published",
        text="本人办理",
    )
    body = json.dumps({"item": item, "form_data": {}, "answers": [myself.pk], "channel": "mobile"})
    before = Case.objects.count()
    connections.close_all()
    with http_load.server(settings_module="bench.settings") as port:
        bare = _load(port, "/bench/api/insert", body, cookie)
        instant = _load(port, "/api/v1/instant/apply", body, cookie)
    made = Case.objects.filter(pk__gt=0).count() - before
    issued = Case.objects.filter(status=Status.RESULT_ISSUED, item__impl_code=item).count()
    certificates = Certificate.objects.filter(case__item__impl_code=item).count()
    client = Client()
    client.force_login(citizen)
    with override_settings(ROOT_URLCONF="bench.urls"):
        bare_split = _in_process(client, "/bench/api/insert", body)
    instant_split = _in_process(client, "/api/v1/instant/apply", body)
    print(f"bare_insert_api_rate_2_workers: {bare[0]:.0f} per_s")
    print(f"bare_insert_api_p50: {bare[1]:.1f} ms")
    print(f"bare_insert_api_p99: {bare[2]:.1f} ms")
    print(f"instant_apply_rate_2_workers: {instant[0]:.0f} per_s")
    print(f"instant_apply_p50: {instant[1]:.1f} ms")
    print(f"instant_apply_p99: {instant[2]:.1f} ms")
    print(f"instant_apply_vs_bare_insert: {instant[0] / bare[0]:.2f} ratio")
    print(f"instant_apply_cases_made: {made} cases")
    for name, (statements, python, database) in (
        ("bare_insert", bare_split),
        ("instant_apply", instant_split),
    ):
        print(f"{name}_statements_in_process: {statements} statements")
        print(f"{name}_python_cpu_in_process: {python:.2f} ms")
        print(f"{name}_database_cpu_in_process: {database:.2f} ms")
    print(f"instant_apply_all_issued: {int(issued == certificates == made)} bool")
