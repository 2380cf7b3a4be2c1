"""The certificate follows the case: issued inside the transaction of the action that
issued an approved case's result (``cases.hooks.case_acted``), also when instant approval
accepts, approves and issues at once; a failure there undoes the case's action."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.helpers import online_case
from tongban.cases import actions as case_actions
from tongban.cases import hooks
from tongban.cases.models import Case, CaseEvent
from tongban.cases.models import Status as CaseStatus
from tongban.certificates import actions
from tongban.certificates.models import Certificate

from .conftest import certificate_of, reviewed


def test_issue_result_from_approved_issues_in_the_same_transaction(cw, monkeypatch):
    w = cw.base
    case = case_actions.approve(w.p(w.chief), reviewed(w))

    def broken():
        raise RuntimeError("the signing device is unplugged")

    monkeypatch.setattr(actions, "signer", broken)
    with pytest.raises(RuntimeError):
        case_actions.issue_result(w.p(w.chief), case)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED  # the case's action was undone with it
    assert not CaseEvent.objects.filter(case=case, action="issue_result").exists()
    assert not Certificate.objects.exists()
    monkeypatch.undo()
    case = case_actions.issue_result(w.p(w.chief), case)
    assert certificate_of(case).case_id == case.pk


def test_only_issue_result_from_approved_issues(cw):
    w = cw.base
    case = reviewed(w)
    case = case_actions.approve(w.p(w.chief), case)
    assert not Certificate.objects.exists()  # approving alone does not issue
    actions.on_case_acted(Case, case=case, action="issue_result", source=CaseStatus.DENIED)
    actions.on_case_acted(Case, case=case, action="approve", source=CaseStatus.IN_REVIEW)
    assert not Certificate.objects.exists()
    case_actions.issue_result(w.p(w.chief), case)
    assert Certificate.objects.count() == 1


def test_instant_approval_issues_on_submission(cw, monkeypatch):
    """秒批: the submit handler accepts, approves and issues; the certificate is there when
    the submission returns."""
    w = cw.base
    monkeypatch.setattr(
        hooks,
        "_submit_handlers",
        [lambda case: case_actions.decide_instantly(case, note="规则通过")],
    )
    case = case_actions.submit(w.p(w.citizen), online_case(w))
    assert case.status == CaseStatus.RESULT_ISSUED
    certificate = certificate_of(case)
    assert certificate.holder_name == "李四"
    assert certificate.issuer_code == w.agency.credit_code


def test_issuing_takes_a_handful_of_statements(cw):
    """On the request path of an instant approval: no PDF, a few statements."""
    w = cw.base
    cases = []
    for _ in range(2):
        case = case_actions.approve(w.p(w.chief), reviewed(w))
        cases.append(
            Case.objects.select_related("applicant", "deciding_agency", "item_version").get(
                pk=case.pk
            )
        )
    actions.issue_for_case(cases[0])  # the year's counter row exists from now on
    with CaptureQueriesContext(connection) as queries:
        certificate = actions.issue_for_case(cases[1])
    assert certificate is not None and not certificate.file
    # The case's certificate?, the item's type, the counter (one statement on
    # PostgreSQL, three on SQLite), the certificate, its history, the audit entry
    # (head, entry, head) and the render task.
    assert len(queries) <= 11, [q["sql"][:60] for q in queries]
