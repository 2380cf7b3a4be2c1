"""The bureau decides on a notice: the measure changes the case and its certificate in the
same transaction; the reporting officer and the holder are told; decided once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import StaffRole, staff
from tongban.cases import actions as case_actions
from tongban.cases.models import CaseEvent
from tongban.cases.models import Status as CaseStatus
from tongban.cases.transitions import IllegalTransition
from tongban.certificates import actions as certificate_actions
from tongban.certificates.models import Status as CertificateStatus
from tongban.core.audit import AuditEntry
from tongban.core.notifications import Notification
from tongban.violations import actions
from tongban.violations.models import Status, ViolationNotice

from .conftest import file_notice


@pytest.mark.parametrize(
    ("measure", "case_status", "certificate_status"),
    [
        ("revoke", CaseStatus.REVOKED, CertificateStatus.REVOKED),
        ("withdraw", CaseStatus.LICENCE_WITHDRAWN, CertificateStatus.WITHDRAWN),
        ("cancel", CaseStatus.CANCELLED, CertificateStatus.CANCELLED),
        ("amend", CaseStatus.RESULT_ISSUED, CertificateStatus.VALID),
    ],
)
def test_a_chief_takes_a_measure_and_the_certificate_follows(
    vw, measure, case_status, certificate_status
):
    w = vw.base
    notice = file_notice(vw)
    decided = actions.decide(w.p(w.chief), notice, measure=measure, reasons="承诺不实，依法处理")
    assert decided.status == Status.DECIDED
    assert decided.measure == measure
    assert decided.decided_by == w.chief
    assert decided.decided_at is not None
    vw.licence.refresh_from_db()
    vw.certificate.refresh_from_db()
    assert vw.licence.status == case_status
    assert vw.certificate.status == certificate_status
    event = CaseEvent.objects.filter(case=vw.licence).order_by("-at", "-pk").first()
    assert notice.code in event.note
    assert AuditEntry.objects.filter(action="violations.decide", object_id=str(notice.pk)).exists()


def test_the_officer_and_the_holder_are_told_once(vw):
    w = vw.base
    notice = file_notice(vw)
    before = set(Notification.objects.values_list("pk", flat=True))
    actions.decide(w.p(w.chief), notice, measure="revoke", reasons="承诺不实")
    new = Notification.objects.exclude(pk__in=before)
    assert set(new.filter(channel="inbox").values_list("recipient__username", flat=True)) == {
        "supervisor",
        w.citizen.username,
    }
    # The case's own "revoked" notice is replaced by the decision's (which says why).
    assert new.filter(recipient=w.citizen, channel="inbox").count() == 1
    message = new.get(recipient=w.citizen, channel="inbox")
    assert "承诺不实" in message.body
    assert new.filter(recipient=w.citizen, channel="sms").exists()


def test_a_dismissal_changes_nothing_on_the_licence_and_tells_the_officer(vw):
    w = vw.base
    notice = file_notice(vw)
    before = set(Notification.objects.values_list("pk", flat=True))
    decided = actions.decide(w.p(w.chief), notice, measure="dismiss", reasons="证据不足")
    assert decided.status == Status.DISMISSED
    assert decided.measure == ""
    vw.licence.refresh_from_db()
    vw.certificate.refresh_from_db()
    assert vw.licence.status == CaseStatus.RESULT_ISSUED
    assert vw.certificate.status == CertificateStatus.VALID
    new = Notification.objects.exclude(pk__in=before)
    assert set(new.values_list("recipient__username", flat=True)) == {"supervisor"}


def test_a_notice_is_decided_once(vw):
    w = vw.base
    notice = file_notice(vw)
    actions.decide(w.p(w.chief), notice, measure="dismiss", reasons="证据不足")
    with pytest.raises(actions.AlreadyDecided) as refused:
        actions.decide(w.p(w.chief2), notice, measure="revoke", reasons="再议")
    assert notice.code in refused.value.messages[0]
    notice.refresh_from_db()
    assert notice.status == Status.DISMISSED
    vw.licence.refresh_from_db()
    assert vw.licence.status == CaseStatus.RESULT_ISSUED


@pytest.mark.parametrize("who", ["officer", "reviewer", "clerk", "admin", "other_chief"])
def test_only_a_chief_of_the_deciding_agency_decides(vw, who):
    w = vw.base
    users = {
        "officer": vw.officer,
        "reviewer": w.reviewer,
        "clerk": w.clerk,
        "admin": vw.cw.admin,
        "other_chief": staff(StaffRole.SECTION_CHIEF, agency=vw.department),
    }
    notice = file_notice(vw)
    with pytest.raises(PermissionDenied):
        actions.decide(w.p(users[who]), notice, measure="revoke", reasons="承诺不实")
    notice.refresh_from_db()
    assert notice.status == Status.RECEIVED
    vw.licence.refresh_from_db()
    assert vw.licence.status == CaseStatus.RESULT_ISSUED


@pytest.mark.parametrize(("measure", "reasons"), [("fine", "罚款"), ("revoke", "  ")])
def test_bad_input_changes_nothing(vw, measure, reasons):
    w = vw.base
    notice = file_notice(vw)
    with pytest.raises(ValidationError):
        actions.decide(w.p(w.chief), notice, measure=measure, reasons=reasons)
    notice.refresh_from_db()
    assert notice.status == Status.RECEIVED


def test_a_licence_ended_meanwhile_refuses_the_measure_and_changes_nothing(vw):
    w = vw.base
    notice = file_notice(vw)
    case_actions.after_closing(w.p(w.chief), vw.licence, "cancel_licence", reason="申请人申请注销")
    with pytest.raises(IllegalTransition):
        actions.decide(w.p(w.chief), notice, measure="revoke", reasons="承诺不实")
    notice.refresh_from_db()
    assert notice.status == Status.RECEIVED
    # It can still be dismissed (nothing left to do on the licence).
    actions.decide(w.p(w.chief), notice, measure="dismiss", reasons="许可已注销")


def test_a_failure_in_the_certificate_undoes_the_decision(vw, monkeypatch):
    w = vw.base
    notice = file_notice(vw)

    def broken(*args, **kwargs):
        raise RuntimeError("the certificate store is down")

    monkeypatch.setattr(certificate_actions, "change_status", broken)
    with pytest.raises(RuntimeError):
        actions.decide(w.p(w.chief), notice, measure="revoke", reasons="承诺不实")
    notice.refresh_from_db()
    vw.licence.refresh_from_db()
    assert notice.status == Status.RECEIVED
    assert vw.licence.status == CaseStatus.RESULT_ISSUED
    assert ViolationNotice.objects.get().decided_at is None


def test_a_broken_commitment_measured_is_a_credit_record(vw):
    from tongban.credit import services as credit
    from tongban.credit.models import CreditRecord, Kind

    w = vw.base
    notice = file_notice(vw)  # kind "commitment"
    actions.decide(w.p(w.chief), notice, measure="revoke", reasons="承诺不实")
    record = CreditRecord.objects.get(case=vw.licence)
    assert record.kind == Kind.FALSE_COMMITMENT and notice.code in record.title
    assert credit.assess(vw.licence.applicant).is_black


def test_a_dismissed_or_lawbreaking_notice_makes_no_credit_record(vw):
    from tongban.credit.models import CreditRecord

    w = vw.base
    actions.decide(w.p(w.chief), file_notice(vw), measure="dismiss", reasons="证据不足")
    actions.decide(w.p(w.chief), file_notice(vw, kind="law"), measure="amend", reasons="变更")
    assert not CreditRecord.objects.exists()
