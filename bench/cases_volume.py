"""A reviewer's inbox and a case detail at volume (1,000,000 cases on PostgreSQL).

Cases and their histories are generated in the database with one INSERT … SELECT each
(90 % closed, the open ones spread over 40 agencies, deadlines from overdue to weeks
ahead). Then 16 concurrent clients ask a gunicorn with 2 sync workers for the reviewer's
first inbox page (the API's, with its count) and for case details; p50/p99 per request.

Baseline, same run and clients: the health endpoint (the same session, user and roles,
one ``SELECT 1``), which shows what the HTTP stack, the 2 cores and the 16 clients cost
before any case is read.
"""

import os
import time

from django.db import connection, transaction

from tongban.cases.models import Case
from tongban.org.models import Agency, StaffAssignment, StaffRole

from . import cases_fixture, http_load

CASES = int(
    os.environ.get(
        "TONGBAN_BENCH_CASES", "1000000" if connection.vendor == "postgresql" else "20000"
    )
)
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
        "added_steps": "'[]'",
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
    cookie = http_load.session_cookie(w.reviewer)
    with http_load.server() as port:
        http_load.load(port, ["/api/v1/health"], cookie)  # warm up both workers
        print(f"http_load_generator: {'wrk' if http_load.has_wrk() else 'python threads'}")
        http_load.measure_latency("http_baseline_health", port, ["/api/v1/health"], cookie)
        http_load.measure_latency("case_inbox_first_page", port, [inbox_path], cookie)
        details = [detail_path.format(pk=pk) for pk in open_ids]
        http_load.measure_latency("case_detail", port, details, cookie)
