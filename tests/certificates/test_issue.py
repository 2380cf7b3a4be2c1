"""An approved case whose item issues a certificate gets one, signed, exactly once; a
denied case or an item without a certificate type gets none."""

import datetime as dt
import re

import time_machine

from tests.cases.helpers import upload
from tests.factories import applicant_account
from tongban.cases import actions
from tongban.cases.models import Status as CaseStatus
from tongban.certificates import actions as certificates
from tongban.certificates import metadata
from tongban.certificates.identifiers import parse_identifier
from tongban.certificates.models import Certificate, CertificateEvent, Status
from tongban.certificates.signing import signer
from tongban.core import crypto
from tongban.core.models import AuditEntry

from .conftest import TYPE_CODE, approved_and_issued, certificate_of, reviewed, run_tasks

TZ = dt.timezone(dt.timedelta(hours=8))


def test_an_approved_case_gets_a_signed_certificate(cw):
    w = cw.base
    with time_machine.travel(dt.datetime(2026, 5, 11, 10, tzinfo=TZ), tick=False):
        case = approved_and_issued(w)
    assert case.status == CaseStatus.RESULT_ISSUED
    certificate = certificate_of(case)
    parts = parse_identifier(certificate.identifier)
    assert parts.type_code == TYPE_CODE
    assert parts.issuer_code == w.agency.credit_code
    # Year + the type's counter (on PostgreSQL a sequence outside the test's transaction:
    # not rolled back, so not always 1 here).
    assert re.fullmatch(r"2026\d{6}", parts.serial) and parts.version == "001"
    assert certificate.serial == parts.serial
    assert certificate.number == "JY" + parts.serial
    assert certificate.holder_name == "李四"
    assert certificate.holder_id_type == "resident_id"
    assert crypto.decrypt(certificate.holder_id_encrypted) == w.applicant.id_number
    assert certificate.holder_id_index == w.applicant.id_number_index
    assert certificate.holder_id_masked == w.applicant.id_number_masked
    assert (certificate.issuer_name, certificate.issuer_code) == (
        w.agency.name,
        w.agency.credit_code,
    )
    assert certificate.issue_date == certificate.valid_from == dt.date(2026, 5, 11)
    assert certificate.valid_to == dt.date(2031, 5, 10)  # five years, the day before
    assert certificate.status == Status.VALID
    assert certificate.data == {
        "address": "德州市德城区天衢东路 66 号",
        "description": "热食类食品制售",
        "item_name": "食品经营许可",
    }
    assert metadata.signature_valid(signer(), certificate)
    assert len(certificate.verify_token) >= 12
    # History, audit, and the PDF left to the worker.
    event = CertificateEvent.objects.get(certificate=certificate)
    assert (event.action, event.operation_code, event.to_status) == ("issue", "01", "01")
    assert AuditEntry.objects.filter(
        action="certificate.issue", object_id=str(certificate.pk)
    ).exists()
    assert not certificate.file
    assert run_tasks() == ["rendered"]
    certificate.refresh_from_db()
    assert certificate.file and len(certificate.file_sha256) == 64


def test_serials_count_per_type_and_year(cw):
    w = cw.base
    first = certificate_of(approved_and_issued(w))
    second = certificate_of(approved_and_issued(w))
    year = str(first.issue_date.year)
    assert first.serial.startswith(year) and second.serial.startswith(year)
    assert int(second.serial[4:]) == int(first.serial[4:]) + 1
    assert first.identifier != second.identifier


def test_a_tampered_record_fails_its_signature(cw):
    certificate = certificate_of(approved_and_issued(cw.base))
    certificate.holder_name = "张三"
    assert not metadata.signature_valid(signer(), certificate)
    certificate.refresh_from_db()
    certificate.valid_to = dt.date(2099, 1, 1)
    assert not metadata.signature_valid(signer(), certificate)


def test_a_denied_case_gets_none(cw):
    w = cw.base
    case = reviewed(w)
    case = actions.deny(w.p(w.chief), case, reason="经营场所不符合要求")
    case = actions.issue_result(w.p(w.chief), case)
    assert case.status == CaseStatus.RESULT_ISSUED
    assert not Certificate.objects.exists()
    assert certificates.issue_for_case(case) is None
    assert not Certificate.objects.exists()


def test_an_item_without_an_active_type_gets_none(cw):
    cw.cert_type.is_active = False
    cw.cert_type.save()
    case = approved_and_issued(cw.base)
    assert not Certificate.objects.exists()
    assert certificates.issue_for_case(case) is None


def test_issue_for_case_is_idempotent_and_issues_late(cw):
    """A case approved before its item had a certificate type gets one when asked; asked
    again, the same one comes back."""
    cw.cert_type.items.clear()
    case = approved_and_issued(cw.base)
    assert not Certificate.objects.exists()
    cw.cert_type.items.add(cw.base.item)
    first = certificates.issue_for_case(case)
    assert first is not None
    again = certificates.issue_for_case(case)
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1


def test_an_approved_case_not_yet_issued_may_be_given_one(cw):
    w = cw.base
    case = actions.approve(w.p(w.chief), reviewed(w))
    assert case.status == CaseStatus.APPROVED
    assert certificates.issue_for_case(case) is not None


def test_a_case_under_review_gets_none(cw):
    case = reviewed(cw.base)
    assert certificates.issue_for_case(case) is None


def test_an_enterprise_holds_its_credit_code(cw):
    w = cw.base
    user, company = applicant_account(name="德州市鲁北餐饮管理有限公司", kind="legal")
    case = actions.start_application(
        w.p(user),
        w.item,
        applicant=company,
        channel="portal",
        answers=w.answers("自有房产", "否"),
        form_data={"address": "德州市德城区天衢东路 66 号"},
    )
    for material in actions.missing_materials(case):
        upload(w, case, material.name, who=user)
    case = reviewed(w, case, submitter=user)
    case = actions.issue_result(w.p(w.chief), actions.approve(w.p(w.chief), case))
    certificate = certificate_of(case)
    assert certificate.holder_id_type == "uscc"
    assert certificate.holder_id_masked == company.credit_code
    assert crypto.decrypt(certificate.holder_id_encrypted) == company.credit_code
    assert certificate.data == {
        "address": "德州市德城区天衢东路 66 号",
        "item_name": "食品经营许可",
    }
    assert metadata.signature_valid(signer(), certificate)
