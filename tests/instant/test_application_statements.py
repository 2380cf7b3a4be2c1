"""An instant application is one action from start to decision, in few statements (the
throughput target of ``bench/instant_approval.py`` rests on it), and nothing of a failed
decision survives: its audit entries and tasks, kept for the one append at the end, are
struck with its savepoint."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tongban.cases import actions
from tongban.cases.models import Case, Status
from tongban.catalog.models import Item
from tongban.core import audit
from tongban.core.models import AuditEntry
from tongban.demo.catalog_data import ITEM_BY_KEY
from tongban.org.models import Applicant, User
from tongban.org.policy import principal_for_user as principal_for
from tongban.sharing import services as sharing
from tongban.sharing.models import MaterialVerification

from .conftest import answer_ids, apply, client_for

pytestmark = pytest.mark.django_db


def _statements(client):
    sql = []

    def seen(execute, statement, params, many, context):
        sql.append(str(statement))
        return execute(statement, params, many, context)

    with connection.execute_wrapper(seen):
        response = apply(client, "senior_card")
    assert response.status_code == 201, response.content
    # The test's own transaction makes the action's savepoints (not counted); the first
    # statement is the test's own, finding the answer's id.
    return response.json(), [" ".join(s.split()) for s in sql[1:] if "SAVEPOINT" not in s]


def test_an_instant_application_in_few_statements_with_one_audit_append(demo_city):
    client = client_for("citizen")
    _statements(client)  # the first fills what a process keeps (versions, guides)
    body, statements = _statements(client)
    assert body["outcome"] == "approve"
    appends = [s for s in statements if s.startswith("SELECT") and '"core_audithead"' in s]
    assert len(appends) == 1, "the decision's entries ride on the submission's append"
    if connection.vendor == "postgresql":
        # session; user; item; applicant; version; delegations; the case; archive; rules
        # in force; population (for the materials and the rule); query; verifications;
        # files; the creation's and submission's events; evaluation; credit;
        # notifications; the decision's three events; certificate type; certificate; its
        # event; the case's one update; audit head; audit entries, head and tasks
        # (38 at the start of this work, 42 with the savepoints)
        assert len(statements) <= 24, "\n".join(s[:90] for s in statements)
    case = Case.objects.get(pk=body["case_id"])
    actions_audited = set(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert {"case.create", "case.submit", "case.accept", "case.approve"} <= actions_audited
    assert audit.verify_chain()[1] is None


def test_a_failed_decision_leaves_no_audit_entry_and_no_task_behind(demo_city, monkeypatch):
    from tongban.certificates import actions as certificate_actions

    real = certificate_actions._issue

    def issue_then_fail(case, principal):
        real(case, principal)
        raise RuntimeError("signer down")

    monkeypatch.setattr(certificate_actions, "_issue", issue_then_fail)
    tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))

    body = apply(client_for("citizen"), "senior_card").json()

    case = Case.objects.get(pk=body["case_id"])
    assert case.status == Status.SUBMITTED
    audited = list(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert "case.accept" not in audited and "case.refer" in audited
    assert not AuditEntry.objects.filter(action="certificate.issue").exists()
    new_tasks = DBTaskResult.objects.exclude(pk__in=tasks_before)
    assert not new_tasks.filter(task_path__endswith="render_certificate").exists()
    assert audit.verify_chain()[1] is None


def test_start_and_submit_is_start_then_submit(demo_city):
    citizen = User.objects.get(username="citizen")
    principal = principal_for(citizen)
    applicant = Applicant.objects.get(account=citizen)
    item = Item.objects.get(impl_code=ITEM_BY_KEY["senior_card"].impl_code)
    kwargs = {"applicant": applicant, "channel": "mobile", "answers": answer_ids("senior_card")}

    at_once = actions.start_and_submit(principal, item, **kwargs)
    draft = actions.start_application(principal, item, **kwargs)
    assert not actions.is_new(draft), "new only while the action that inserted it runs"
    in_two = actions.submit(principal, draft)

    def history(case):
        return list(case.events.order_by("at", "pk").values_list("action", "from_status"))

    assert at_once.status == in_two.status == Status.RESULT_ISSUED
    assert history(at_once) == history(in_two)
    assert at_once.code != in_two.code and at_once.code.startswith(item.impl_code)


def test_a_new_cases_confirmations_read_from_memory_equal_the_databases(demo_city):
    citizen = User.objects.get(username="citizen")
    item = Item.objects.get(impl_code=ITEM_BY_KEY["senior_card"].impl_code)
    seen = {}

    def look(case):
        version_materials = [m for m in case.item_version.materials.all() if m.shared_source]
        seen["memory"] = sharing.confirmed_ids(case, version_materials)
        fresh = Case.objects.get(pk=case.pk)
        seen["database"] = sharing.confirmed_ids(fresh, version_materials)
        seen["rows"] = MaterialVerification.objects.filter(case=case).count()

    from tongban.cases import hooks

    hooks.register_submit_handler(look)
    try:
        actions.start_and_submit(
            principal_for(citizen),
            item,
            applicant=Applicant.objects.get(account=citizen),
            channel="mobile",
            answers=answer_ids("senior_card"),
        )
    finally:
        hooks._submit_handlers.remove(look)
    assert seen["rows"] >= 1
    assert seen["memory"] == seen["database"] and seen["memory"]


def test_a_source_is_asked_once_and_its_query_names_both_uses(demo_city):
    from tongban.instant.services import PURPOSE
    from tongban.sharing.models import SharingQuery

    body = apply(client_for("citizen"), "senior_card").json()

    queries = SharingQuery.objects.filter(case_id=body["case_id"], source__code="population")
    assert queries.count() == 1, "materials and rule share one lookup in one action"
    purpose = queries.get().purpose
    assert PURPOSE in purpose and "材料" in purpose
    assert body["outcome"] == "approve"  # the rule read that very answer


def test_a_draft_submitted_later_asks_again_for_the_rule(demo_city):
    from tongban.sharing.models import SharingQuery

    citizen = User.objects.get(username="citizen")
    principal = principal_for(citizen)
    item = Item.objects.get(impl_code=ITEM_BY_KEY["senior_card"].impl_code)
    draft = actions.start_application(
        principal,
        item,
        applicant=Applicant.objects.get(account=citizen),
        channel="mobile",
        answers=answer_ids("senior_card"),
    )
    case = actions.submit(principal, draft)

    assert case.status == Status.RESULT_ISSUED
    purposes = list(SharingQuery.objects.filter(case=case).values_list("purpose", flat=True))
    assert len(purposes) == 2, "the draft's check did not claim a use it could not know of"
