"""Reporting a violation (告知函): who may, what licence, what is kept and who is told."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.cases.conftest import PDF
from tests.certificates.conftest import reviewed
from tests.factories import StaffRole, staff
from tongban.cases import actions as case_actions
from tongban.core.audit import AuditEntry
from tongban.core.notifications import Notification
from tongban.violations.models import Status, ViolationNotice
from tongban.workdays.clock import calendar_for

from .conftest import evidence, file_notice


def test_an_officer_of_a_supervising_department_reports(vw):
    notice = file_notice(vw)
    assert notice.code.startswith(f"GZH-{notice.received_at.year}-")
    assert notice.agency == vw.department
    assert notice.reported_by == vw.officer
    assert notice.case == vw.licence
    assert notice.certificate == vw.certificate
    assert notice.deciding_agency == vw.base.agency
    assert notice.status == Status.RECEIVED
    expected = calendar_for(vw.base.agency.region_id).add_working_days(
        timezone.localdate(notice.received_at), 10
    )
    assert notice.due_date == expected
    [stored] = notice.evidence.all()
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.size == len(PDF)
    assert stored.content_type == "application/pdf"
    with stored.file.open("rb") as f:
        assert f.read() == PDF
    entry = AuditEntry.objects.get(action="violations.report")
    assert entry.object_id == str(notice.pk)
    assert entry.actor_label == "supervisor"


def test_the_deciding_agencys_chiefs_are_told(vw):
    notice = file_notice(vw)
    told = set(
        Notification.objects.filter(subject__contains=notice.code).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"chief", "chief2"}


def test_codes_follow_each_other(vw):
    first = file_notice(vw)
    second = file_notice(vw, kind="law")
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1


def test_a_section_chief_of_the_department_may_report(vw):
    chief = staff(StaffRole.SECTION_CHIEF, agency=vw.department, username="amr_chief")
    notice = file_notice(vw, who=chief)
    assert notice.agency == vw.department


@pytest.mark.parametrize("who", ["other_officer", "clerk", "reviewer", "citizen"])
def test_no_one_else_may_report(vw, who):
    user = getattr(vw, who, None) or getattr(vw.base, who)
    with pytest.raises(PermissionDenied) as refused:
        file_notice(vw, who=user)
    assert "supervis" in str(refused.value.message) or "监管" in str(refused.value.message)
    assert not ViolationNotice.objects.exists()


def test_a_platform_administrator_is_not_a_department(vw):
    with pytest.raises(PermissionDenied):
        file_notice(vw, who=vw.cw.admin)


def test_evidence_is_required_and_checked(vw):
    with pytest.raises(ValidationError) as refused:
        file_notice(vw, evidence=[])
    assert refused.value.code == "evidence"
    with pytest.raises(ValidationError) as refused:
        file_notice(vw, evidence=[evidence("macro.docm", b"MZ\x90\x00 not a document")])
    assert refused.value.code == "file_type"
    assert not ViolationNotice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "rumour"), ("proposed_measure", "fine"), ("facts", "  "), ("legal_basis", "")],
)
def test_bad_fields_are_refused(vw, field, value):
    with pytest.raises(ValidationError):
        file_notice(vw, **{field: value})
    assert not ViolationNotice.objects.exists()


def test_only_a_licence_in_force_can_be_reported(vw):
    w = vw.base
    pending = reviewed(w)
    with pytest.raises(ValidationError) as refused:
        file_notice(vw, case=pending)
    assert refused.value.code == "not_in_force"
    case_actions.after_closing(w.p(w.chief), vw.licence, "revoke", reason="承诺不实")
    vw.licence.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        file_notice(vw)
    assert refused.value.code == "not_in_force"
    assert not ViolationNotice.objects.exists()


def test_a_denial_is_not_a_licence(vw):
    w = vw.base
    case = case_actions.deny(w.p(w.chief), reviewed(w), reason="不符合条件")
    case = case_actions.issue_result(w.p(w.chief), case)
    with pytest.raises(ValidationError) as refused:
        file_notice(vw, case=case)
    assert refused.value.code == "not_in_force"


def test_the_due_days_are_a_setting(vw, settings):
    settings.TONGBAN_VIOLATION_DECISION_DAYS = 3
    notice = file_notice(vw)
    day = timezone.localdate(notice.received_at)
    assert notice.due_date == calendar_for(None).add_working_days(day, 3)
