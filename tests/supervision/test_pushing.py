"""Results are pushed to the supervising departments named in the catalog: on the
issuing of an approved result (instant approvals too) and on 变更/撤销/注销/吊销."""

import pytest

from tongban.core.models import AuditEntry, Notification
from tongban.supervision import actions
from tongban.supervision.models import Push, WebhookEndpoint

from .conftest import after_issue, only_push

pytestmark = pytest.mark.django_db


def test_an_issued_approval_is_pushed_to_the_supervising_department(sw):
    case = sw.approve()
    push = only_push(case)
    assert push.agency == sw.amr
    assert push.event == Push.Event.APPROVAL
    assert push.item_id == sw.base.item.pk
    assert push.claimed_at is None and push.escalated_at is None
    assert push.claim_due > push.created_at
    assert push.delivery_state == Push.Delivery.NOT_CONFIGURED
    payload = push.payload
    assert payload["case_code"] == case.code
    assert payload["item"]["name"] == "食品经营许可"
    assert payload["holder"]["name"] == "李四"
    assert "*" in payload["holder"]["id_masked"]
    assert payload["decision_date"]
    certificate = payload["certificate"]
    assert certificate["identifier"]
    assert certificate["status"]
    assert "/verify/" in certificate["verification_url"]
    assert AuditEntry.objects.filter(action="supervision.push", object_id=str(push.pk)).exists()


def test_the_departments_officers_are_told_in_the_workbench(sw):
    case = sw.approve()
    told = Notification.objects.filter(subject__contains=case.code)
    assert {n.recipient for n in told} == {sw.officer, sw.officer2}
    assert all(n.channel == "inbox" for n in told)


def test_approval_alone_pushes_nothing_until_the_result_is_issued(sw):
    from tests.certificates.conftest import reviewed
    from tongban.cases import actions as case_actions

    case = reviewed(sw.base)
    case = case_actions.approve(sw.p(sw.base.chief), case)
    assert not Push.objects.exists()
    case_actions.issue_result(sw.p(sw.base.chief), case)
    assert Push.objects.filter(case=case).count() == 1


def test_one_push_per_supervising_department(sw):
    from tongban.catalog.models import ItemVersion

    for version in ItemVersion.objects.filter(item=sw.base.item):
        ItemVersion.supervising_agencies.through.objects.create(
            itemversion=version, agency=sw.other
        )
    case = sw.approve()
    assert {p.agency for p in Push.objects.filter(case=case)} == {sw.amr, sw.other}
    assert len({p.idempotency_key for p in Push.objects.all()}) == 2


@pytest.mark.parametrize(
    ("action", "event"),
    [
        ("amend", Push.Event.CHANGE),
        ("revoke", Push.Event.REVOCATION),
        ("cancel_licence", Push.Event.CANCELLATION),
        ("withdraw_licence", Push.Event.WITHDRAWAL),
    ],
)
def test_after_issue_actions_push_with_their_reason(sw, action, event):
    case = sw.approve()
    after_issue(sw, case, action, reason="经营者申请")
    pushed = Push.objects.filter(case=case).order_by("created_at", "pk")
    assert [p.event for p in pushed] == [Push.Event.APPROVAL, event]
    assert pushed[1].payload["reason"] == "经营者申请"
    assert pushed[1].payload["certificate"]["identifier"]


def test_an_unsupervised_item_pushes_nothing(sw):
    from tongban.catalog.models import ItemVersion

    ItemVersion.supervising_agencies.through.objects.all().delete()
    sw.approve()
    assert not Push.objects.exists()


def test_with_an_endpoint_the_delivery_is_enqueued_in_the_same_transaction(sw):
    from django_tasks_db.models import DBTaskResult

    actions.create_endpoint(sw.p(sw.admin), sw.amr, "http://127.0.0.1:9/hook")
    case = sw.approve()
    push = only_push(case)
    assert push.delivery_state == Push.Delivery.PENDING
    assert push.next_attempt_at is not None
    queued = DBTaskResult.objects.filter(task_path="tongban.supervision.tasks.deliver_push")
    assert [row.args_kwargs["args"] for row in queued] == [[push.pk]]


def test_a_disabled_endpoint_is_not_sent_to(sw):
    endpoint, _secret = actions.create_endpoint(sw.p(sw.admin), sw.amr, "http://127.0.0.1:9/h")
    actions.update_endpoint(sw.p(sw.admin), endpoint, enabled=False)
    push = only_push(sw.approve())
    assert push.delivery_state == Push.Delivery.NOT_CONFIGURED
    assert WebhookEndpoint.objects.get().is_enabled is False


def test_a_failing_push_aborts_the_case_action(sw, monkeypatch):
    from tongban.cases.models import Case, Status

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(actions, "push_result", broken)
    with pytest.raises(RuntimeError):
        sw.approve()
    assert not Case.objects.filter(status=Status.RESULT_ISSUED).exists()


def test_pushing_history_again_makes_no_duplicates(sw):
    case = sw.approve()
    after_issue(sw, case, "amend")
    assert actions.push_history(case) == []
    assert Push.objects.filter(case=case).count() == 2
    Push.objects.all().delete()
    made = actions.push_history(case)
    assert [p.event for p in made] == [Push.Event.APPROVAL, Push.Event.CHANGE]
