"""Certificate PDFs: rendered and signed (PAdES) per second in one process (the target:
≥ 40 on two cores), and how soon after its approval a certificate's PDF is ready when the
worker renders ahead while approvals arrive at 20 per second (the target: p99 ≤ 2 s).

Baselines, same run: a one-line PDF in the same CJK font (the floor of any PDF with
Chinese text), and the certificate's page rendered without its signature.

Render ahead: cases approved beforehand have their result issued by a section chief at 20
per second (``cases.actions.issue_result``: the certificate is issued in that transaction
and its rendering queued); a real ``tongban worker`` process renders them. The time from
each issue's commit to its rendering task's end is the figure. On demand instead, the
first download renders it: that costs what one signed rendering costs (printed as its
p99), in the request.
"""

import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import time

from django.db import connections
from django.utils import timezone

from tongban.cases import actions as case_actions
from tongban.cases.models import Case
from tongban.certificates import actions, metadata, pdf
from tongban.certificates.models import Certificate, CertificateType
from tongban.certificates.signing import signer
from tongban.core.pdf import cjk_font
from tongban.org.policy import principal_for_user

from . import cases_fixture

PDFS = int(os.environ.get("TONGBAN_BENCH_CERTIFICATES", "200"))
RATE = 20  # approvals per second
SECONDS = int(os.environ.get("TONGBAN_BENCH_CERTIFICATE_SECONDS", "20"))
TYPE_CODE = "11100000000013338W050"
# The worker's poll interval when its queues are empty (``tongban worker``'s default: 1 s).
WORKER_INTERVAL = os.environ.get("TONGBAN_BENCH_WORKER_INTERVAL", "1")


def _certificate_type(w) -> CertificateType:
    cert_type, _created = CertificateType.objects.get_or_create(
        type_code=TYPE_CODE,
        defaults={
            "name": "食品经营许可证",
            "validity_months": 60,
            "number_prefix": "JY",
            "lines": [
                {"label": "经营场所", "key": "address"},
                {"label": "经营项目", "key": "description"},
            ],
        },
    )
    cert_type.items.add(w.item)
    return cert_type


def _approved(w, count: int) -> list[int]:
    """``count`` cases approved and waiting for their result to be issued (cloned from a
    submitted one, then marked approved: the decision itself is not what is measured)."""
    template = cases_fixture.submitted_case(w)
    ids = cases_fixture.clone_submitted(template, count)
    Case.objects.filter(pk__in=ids).update(
        status="approved",
        decided_at=timezone.now(),
        step_kind="result",
        step_role="window_clerk",
        form_data={"address": "德州市德城区天衢东路 66 号", "description": "热食类食品制售"},
    )
    return ids


def _rate(function, items) -> tuple[float, list[float]]:
    times = []
    started = time.perf_counter()
    for item in items:
        began = time.perf_counter()
        function(item)
        times.append(time.perf_counter() - began)
    return len(items) / (time.perf_counter() - started), times


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _one_line_pdf(_item) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(cjk_font(), 12)
    page.drawString(72, 720, "食品经营许可证 德州市行政审批服务局")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _throughput(w) -> None:
    ids = _approved(w, PDFS)
    cases = Case.objects.select_related("applicant", "deciding_agency", "item_version").filter(
        pk__in=ids
    )
    started = time.perf_counter()
    certificates = [actions.issue_for_case(case) for case in cases]
    issue_rate = len(certificates) / (time.perf_counter() - started)
    certificates = list(
        Certificate.objects.select_related("cert_type", "previous").filter(
            pk__in=[c.pk for c in certificates]
        )
    )
    key = signer()
    pdf.signed(certificates[0], key)  # warm: font, signer, QR encoder
    data = metadata.canonical(metadata.metadata(certificates[0]))
    rounds = 2000
    began = time.perf_counter()
    for _ in range(rounds):
        key.sign_metadata(data)
    sign_us = (time.perf_counter() - began) / rounds * 1e6

    baseline, _ = _rate(_one_line_pdf, certificates)
    rendered, _ = _rate(pdf.render, certificates)
    signed, times = _rate(lambda c: pdf.signed(c, key), certificates)
    print(f"certificate_pdf_one_line_baseline_rate: {baseline:.0f} per_s")
    print(f"certificate_pdf_render_rate: {rendered:.0f} per_s")
    print(f"certificate_pdf_signed_rate: {signed:.0f} per_s")
    print(f"certificate_pdf_signed_vs_render: {signed / rendered:.2f} ratio")
    print(f"certificate_on_demand_render_p99: {_p(times, 0.99) * 1000:.1f} ms")
    print(f"certificate_metadata_sign: {sign_us:.0f} us")
    print(f"certificate_issue_rate_1_process: {issue_rate:.0f} per_s")
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(task_path__startswith="tongban.certificates.").delete()


def _worker() -> subprocess.Popen:
    connections.close_all()
    return subprocess.Popen(
        [sys.executable, "-m", "tongban.cli", "worker", "--interval", WORKER_INTERVAL],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
    )


def _finished(certificate_ids: list[int]) -> dict[int, dt.datetime]:
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path="tongban.certificates.tasks.render_certificate",
        status="SUCCESSFUL",
        finished_at__isnull=False,
    ).values_list("args_kwargs", "finished_at")
    wanted = set(certificate_ids)
    done = {}
    for args_kwargs, finished in rows:
        pk = args_kwargs["args"][0]
        if pk in wanted:
            done[pk] = finished
    return done


def _wait_for(certificate_ids: list[int], timeout: float) -> dict[int, dt.datetime]:
    deadline = time.monotonic() + timeout
    done = _finished(certificate_ids)
    while len(done) < len(certificate_ids) and time.monotonic() < deadline:
        time.sleep(0.2)
        done = _finished(certificate_ids)
    return done


def _render_ahead(w) -> None:
    count = RATE * SECONDS
    ids = _approved(w, count + 1)
    chief = principal_for_user(w.chief)
    worker = _worker()
    try:
        # Warm up: the worker has started and rendered one (font, key, QR encoder loaded).
        first = case_actions.issue_result(chief, Case(pk=ids[0]))
        _wait_for([Certificate.objects.get(case=first).pk], 60)
        committed: dict[int, dt.datetime] = {}
        started = time.perf_counter()
        for n, pk in enumerate(ids[1:]):
            pause = started + n / RATE - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            case_actions.issue_result(chief, Case(pk=pk))
            committed[pk] = timezone.now()
        by_case = dict(
            Certificate.objects.filter(case_id__in=committed).values_list("case_id", "pk")
        )
        done = _wait_for(list(by_case.values()), 120)
    finally:
        worker.terminate()
        worker.wait(30)
    latencies = [
        (done[by_case[pk]] - at).total_seconds()
        for pk, at in committed.items()
        if by_case.get(pk) in done
    ]
    missing = len(committed) - len(latencies)
    print(f"certificate_render_ahead_p50: {statistics.median(latencies) * 1000:.0f} ms")
    print(f"certificate_render_ahead_p99: {_p(latencies, 0.99) * 1000:.0f} ms")
    print(f"certificate_render_ahead_max: {max(latencies) * 1000:.0f} ms")
    print(f"certificate_render_ahead_not_ready: {missing} count")


def run() -> None:
    w = cases_fixture.world()
    _certificate_type(w)
    _throughput(w)
    _render_ahead(w)
