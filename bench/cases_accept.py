"""Accept-a-case throughput: the whole action (lock, checks, clock, history, audit,
notification) in one process, in two processes at once, and through the API: POSTs from 16
clients to a gunicorn with two sync workers (the target: ≥ 300 per second).

Baseline, same run: the bare minimum of any action — lock the row, update the status,
insert one history row — in one transaction.
"""

import json
import multiprocessing
import os
import time

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent
from tongban.org.policy import principal_for_user

from . import cases_fixture, http_load
from .urls import create_table

ROUNDS = int(os.environ.get("TONGBAN_BENCH_ACCEPTS", "600"))
PROCESSES = 2
HTTP_SECONDS = int(os.environ.get("TONGBAN_BENCH_SECONDS", "15"))
# Enough submitted cases for the warm-up and the run at up to 1,000 accepts a second.
HTTP_CASES = (http_load.WARM_UP_SECONDS + HTTP_SECONDS) * 1000


def _bare(ids: list[int]) -> float:
    started = time.perf_counter()
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            Case.objects.filter(pk=pk).update(status="in_review", revision=F("revision") + 1)
            CaseEvent.objects.create(
                case=case,
                at=timezone.now(),
                action="bench",
                from_status=case.status,
                to_status="in_review",
                actor_label="bench",
            )
    return len(ids) / (time.perf_counter() - started)


def _accept(ids: list[int]) -> float:
    w = cases_fixture.world()
    clerk = principal_for_user(w.clerk)
    started = time.perf_counter()
    for pk in ids:
        actions.accept(clerk, Case(pk=pk), service_point=w.hall, window=w.window)
    return len(ids) / (time.perf_counter() - started)


def _worker(ids, queue):
    connections.close_all()  # a forked child opens its own connection
    queue.put(_accept(ids))


def _parallel(ids: list[int]) -> float:
    connections.close_all()
    queue = multiprocessing.get_context("fork").Queue()
    chunks = [ids[i::PROCESSES] for i in range(PROCESSES)]
    started = time.perf_counter()
    children = [
        multiprocessing.get_context("fork").Process(target=_worker, args=(chunk, queue))
        for chunk in chunks
    ]
    for child in children:
        child.start()
    for child in children:
        child.join()
    elapsed = time.perf_counter() - started
    return len(ids) / elapsed


def run() -> None:
    w = cases_fixture.world()
    template = cases_fixture.submitted_case(w)
    ids = cases_fixture.clone_submitted(template, ROUNDS * 3)
    bare = _bare(ids[:ROUNDS])
    single = _accept(ids[ROUNDS : 2 * ROUNDS])
    both = _parallel(ids[2 * ROUNDS :])
    print(f"case_bare_update_rate: {bare:.0f} per_s")
    print(f"case_accept_rate_1_process: {single:.0f} per_s")
    print(f"case_accept_rate_{PROCESSES}_processes: {both:.0f} per_s")
    print(f"case_accept_vs_bare: {single / bare:.2f} ratio")
    if http_load.has_wrk():
        accepted, bare_api = _over_http(w, template)
        print(f"bare_insert_api_rate_2_workers: {bare_api:.0f} per_s")
        print(f"case_accept_api_rate_2_workers: {accepted:.0f} per_s")
        print(f"case_accept_api_vs_bare_insert_api: {accepted / bare_api:.2f} ratio")


def _over_http(w, template: Case) -> tuple[float, float]:
    """Accepts per second through the API, and the bare one-row-insert endpoint's rate on
    the same server (``bench.urls``) as the baseline."""
    ids = cases_fixture.clone_submitted(template, HTTP_CASES)
    paths = [f"/api/v1/cases/{pk}/actions/accept" for pk in ids]
    body = json.dumps({"service_point": w.hall.pk, "window": w.window.pk})
    cookie = http_load.session_cookie(w.clerk)
    warm_up = http_load.WARM_UP_SECONDS * 1000
    inserts = ["/bench/api/insert"] * len(paths)
    create_table()
    with http_load.server(settings_module="bench.settings") as port:
        http_load.post_rate(port, inserts[:warm_up], body, cookie, http_load.WARM_UP_SECONDS)
        bare = http_load.post_rate(port, inserts[warm_up:], body, cookie, HTTP_SECONDS)
        http_load.post_rate(port, paths[:warm_up], body, cookie, http_load.WARM_UP_SECONDS)
        return http_load.post_rate(port, paths[warm_up:], body, cookie, HTTP_SECONDS), bare
