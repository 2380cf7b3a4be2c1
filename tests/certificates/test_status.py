"""Status changes go by the transition table only: each one row-locked, recorded in the
history with its national operation code and in the audit log; an illegal change, a
missing reason or someone not allowed changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import AgencyFactory, StaffRole, staff
from tongban.cases import actions as case_actions
from tongban.certificates import actions, transitions
from tongban.certificates.models import Certificate, CertificateEvent, Status
from tongban.core.models import AuditEntry
from tongban.org.policy import SYSTEM

from .conftest import approved_and_issued, certificate_of

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def certificate(cw) -> Certificate:
    return certificate_of(approved_and_issued(cw.base))


def history(certificate) -> list[tuple[str, str, str, str]]:
    return list(
        CertificateEvent.objects.filter(certificate=certificate)
        .order_by("at", "pk")
        .values_list("action", "operation_code", "from_status", "to_status")
    )


def snapshot(certificate) -> tuple:
    certificate.refresh_from_db()
    return (
        certificate.status,
        certificate.status_changed_at,
        CertificateEvent.objects.count(),
        AuditEntry.objects.filter(action__startswith="certificate.").count(),
    )


def test_suspend_and_restore_with_history_and_audit(cw, certificate):
    chief = cw.p(cw.base.chief)
    suspended = actions.change_status(
        chief, certificate, "suspend", reason="涉嫌违法经营，立案调查"
    )
    assert suspended.status == Status.SUSPENDED
    restored = actions.change_status(chief, certificate, "restore", reason="调查结束")
    assert restored.status == Status.VALID
    assert history(certificate) == [
        ("issue", "01", "", "01"),
        ("suspend", "03", "01", "02"),
        ("restore", "06", "02", "01"),
    ]
    event = CertificateEvent.objects.get(certificate=certificate, action="suspend")
    assert (event.reason, event.actor, event.actor_label) == (
        "涉嫌违法经营，立案调查",
        cw.base.chief,
        cw.base.chief.username,
    )
    entry = AuditEntry.objects.get(action="certificate.suspend", object_id=str(certificate.pk))
    assert entry.changes["status"] == ["01", "02"]
    assert entry.actor_label == cw.base.chief.username


@pytest.mark.parametrize(
    ("action", "status"),
    [("revoke", Status.REVOKED), ("cancel", Status.CANCELLED), ("withdraw", Status.WITHDRAWN)],
)
def test_ending_a_certificate(cw, certificate, action, status):
    ended = actions.change_status(cw.p(cw.base.chief), certificate, action, reason="依法处理")
    assert ended.status == status
    assert history(certificate)[-1] == (action, "05", "01", status)


def test_an_illegal_change_is_refused_and_changes_nothing(cw, certificate):
    chief = cw.p(cw.base.chief)
    before = snapshot(certificate)
    with pytest.raises(transitions.IllegalTransition):
        actions.change_status(chief, certificate, "restore", reason="并未暂扣")
    with pytest.raises(transitions.IllegalTransition):
        actions.change_status(chief, certificate, "renounce", reason="没有这种操作")
    assert snapshot(certificate) == before
    actions.change_status(chief, certificate, "revoke", reason="以欺骗手段取得")
    after_revoke = snapshot(certificate)
    for action in ("suspend", "restore", "cancel", "withdraw", "revoke", "expire"):
        with pytest.raises(transitions.IllegalTransition):
            actions.change_status(chief, certificate, action, reason="再次处理")
    assert snapshot(certificate) == after_revoke


def test_a_reason_is_required(cw, certificate):
    before = snapshot(certificate)
    with pytest.raises(ValidationError):
        actions.change_status(cw.p(cw.base.chief), certificate, "suspend", reason="  ")
    assert snapshot(certificate) == before


def test_who_may_change_a_status(cw, certificate):
    w = cw.base
    other_agency = AgencyFactory(name="市卫生健康委员会")
    other_chief = staff(StaffRole.SECTION_CHIEF, agency=other_agency)
    before = snapshot(certificate)
    for user in (w.reviewer, w.clerk, other_chief, w.citizen):
        with pytest.raises(PermissionDenied):
            actions.change_status(w.p(user), certificate, "suspend", reason="越权")
    with pytest.raises(PermissionDenied):  # the platform does not suspend by itself
        actions.change_status(SYSTEM, certificate, "suspend", reason="系统")
    assert snapshot(certificate) == before
    assert (
        actions.change_status(cw.p(cw.admin), certificate, "suspend", reason="平台").status == "02"
    )


def test_expiry_is_recorded_by_the_periodic_task(cw):
    with time_machine.travel(dt.datetime(2026, 5, 11, 10, tzinfo=TZ), tick=False):
        certificate = certificate_of(approved_and_issued(cw.base))
    assert actions.expire_due(dt.date(2031, 5, 10)) == 0
    assert actions.expire_due(dt.date(2031, 5, 11)) == 1
    certificate.refresh_from_db()
    assert certificate.status == Status.EXPIRED
    assert history(certificate)[-1] == ("expire", "04", "01", "05")
    assert actions.expire_due(dt.date(2031, 6, 1)) == 0  # once
    # 注销 after expiry is allowed; nothing else is.
    with pytest.raises(transitions.IllegalTransition):
        actions.change_status(cw.p(cw.base.chief), certificate, "suspend", reason="过期")
    actions.change_status(cw.p(cw.base.chief), certificate, "cancel", reason="逾期未延续")
    certificate.refresh_from_db()
    assert certificate.status == Status.CANCELLED


def test_an_indefinite_certificate_never_expires(cw):
    cw.cert_type.validity_months = None
    cw.cert_type.save()
    certificate = certificate_of(approved_and_issued(cw.base))
    assert certificate.valid_to is None
    assert actions.expire_due(dt.date(2099, 1, 1)) == 0


def test_the_certificate_follows_the_case_whose_licence_ends(cw):
    w = cw.base
    case = approved_and_issued(w)
    case = case_actions.deliver(w.p(w.clerk), case, recipient_name="李四", id_checked=True)
    case_actions.after_closing(w.p(w.chief), case, "withdraw_licence", reason="严重违法经营")
    certificate = certificate_of(case)
    assert certificate.status == Status.WITHDRAWN
    event = CertificateEvent.objects.filter(certificate=certificate).last()
    assert (event.action, event.operation_code, event.actor_label) == ("withdraw", "05", "system")
    assert case.code in event.reason and "严重违法经营" in event.reason


def test_a_case_ending_after_the_certificate_ended_changes_nothing(cw):
    w = cw.base
    case = approved_and_issued(w)
    case = case_actions.deliver(w.p(w.clerk), case, recipient_name="李四", id_checked=True)
    certificate = certificate_of(case)
    actions.change_status(w.p(w.chief), certificate, "revoke", reason="先行撤销")
    case_actions.after_closing(w.p(w.chief), case, "revoke", reason="撤销许可")
    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert CertificateEvent.objects.filter(certificate=certificate, action="revoke").count() == 1


def test_the_table_is_complete():
    for (source, action), transition in transitions.TRANSITIONS.items():
        assert source in Status.values and transition.target in Status.values
        assert action in transitions.ACTION_LABELS
        assert transition.operation in {"01", "02", "03", "04", "05", "06", "07"}
        assert set(transition.who) <= {"chief", "system"}
    assert transitions.allowed_actions(Status.VALID) == ["suspend", "revoke", "cancel", "withdraw"]
    assert transitions.allowed_actions(Status.SUSPENDED) == [
        "restore",
        "revoke",
        "cancel",
        "withdraw",
    ]
    assert transitions.allowed_actions(Status.REVOKED) == []
