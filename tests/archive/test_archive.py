"""The issue's "done when": a second application by the same enterprise reuses its archive
and asks for nothing it already holds; and what must never be reused is not."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tongban.archive import actions as archive
from tongban.archive.models import (
    DEFAULT_VALIDITY_MONTHS,
    ArchivedDocument,
    ArchiveReuse,
    ValidityRule,
    add_months,
)
from tongban.archive.services import reusable_for, valid_documents, valid_until_for
from tongban.cases import actions
from tongban.cases.models import CaseEvent, CaseMaterial, Status
from tongban.catalog.models import Material
from tongban.core.models import AuditEntry

from .conftest import accepted, apply, first_case, run_tasks, upload

TZ = dt.timezone(dt.timedelta(hours=8))


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=TZ), tick=False)


def names(materials) -> set[str]:
    return {m.name for m in materials}


def test_second_application_asks_for_nothing_the_archive_holds(aw):
    with at(2026, 5, 11, 9):
        first = first_case(aw)
    archived = {d.name: d for d in ArchivedDocument.objects.filter(applicant=aw.company)}
    assert set(archived) == {"食品经营许可申请书", "房屋产权证明", "法定代表人身份证明"}
    held = archived["法定代表人身份证明"]
    kept = first.materials.get(material__name="法定代表人身份证明")
    assert held.file.name == kept.file.name and held.sha256 == kept.sha256  # no copy
    assert held.valid_until is None  # a seeded rule: until replaced
    assert archived["房屋产权证明"].valid_until == dt.date(2027, 5, 11)  # the default

    with at(2026, 6, 1, 9):
        second = apply(aw, aw.second_item, aw.company)
    # Only the second item's own form is asked for; the two shared materials came along.
    assert names(actions.missing_materials(second)) == {"公章刻制申请表"}
    reuses = {r.case_material.material.name: r for r in ArchiveReuse.objects.filter(case=second)}
    assert set(reuses) == {"法定代表人身份证明（副本）", "房屋产权证明（正本）"}
    reason = reuses["法定代表人身份证明（副本）"].reason
    assert reason.startswith("同一材料（法定代表人身份证明）已于 2026-05-11 在办件 ")
    assert first.code in reason
    assert "2027-05-11" in reuses["房屋产权证明（正本）"].reason
    # Through the cases app: history, audit, and the caller's object is not stale.
    assert CaseEvent.objects.filter(case=second, action="upload").count() == 2
    assert AuditEntry.objects.filter(action="archive.reuse", object_id=str(second.pk)).count() == 2
    actions.update_draft(aw.p(aw.company_user), second, form_data={}, revision=second.revision)
    # And the rest of the application goes on as usual.
    second = accepted(aw, second)
    assert second.status == Status.IN_REVIEW


def test_an_expired_document_is_not_reused(aw):
    ValidityRule.objects.create(material_key="房屋产权证明（正本）", months=1)
    with at(2026, 3, 2, 9):
        first_case(aw)
    deed = ArchivedDocument.objects.get(applicant=aw.company, material_key="房屋产权证明")
    assert deed.valid_until == dt.date(2026, 4, 2)
    with at(2026, 4, 2, 15):
        assert deed in valid_documents(aw.company)  # its last day
    with at(2026, 4, 3, 9):
        assert deed not in valid_documents(aw.company)
        second = apply(aw, aw.second_item, aw.company)
        assert names(actions.missing_materials(second)) == {
            "公章刻制申请表",
            "房屋产权证明（正本）",
        }
        material = Material.objects.get(name="房屋产权证明（正本）")
        with pytest.raises(ValidationError) as refused:
            archive.reuse(aw.p(aw.company_user), second, material, deed)
        assert refused.value.code == "not_valid"


def test_a_revoked_document_is_not_reused(aw):
    first_case(aw)
    identity = ArchivedDocument.objects.get(applicant=aw.company, material_key="法定代表人身份证明")
    with pytest.raises(PermissionDenied):  # not the applicant, not a clerk of another hall
        archive.revoke(aw.p(aw.company_user), identity, reason="自称作废")
    archive.revoke(aw.p(aw.base.chief), identity, reason="法定代表人已变更")
    identity.refresh_from_db()
    assert identity.revoked_reason == "法定代表人已变更" and identity.revoked_by == aw.base.chief
    assert AuditEntry.objects.filter(action="archive.revoke", object_id=str(identity.pk)).exists()
    second = apply(aw, aw.second_item, aw.company)
    assert "法定代表人身份证明（副本）" in names(actions.missing_materials(second))
    assert not ArchiveReuse.objects.filter(document=identity).exists()


def test_another_applicants_document_is_never_reused(aw):
    first_case(aw)
    theirs = ArchivedDocument.objects.get(applicant=aw.company, material_key="法定代表人身份证明")
    mine = apply(aw, aw.second_item, aw.other)
    assert not ArchiveReuse.objects.filter(case=mine).exists()  # nothing pre-filled
    material = Material.objects.get(name="法定代表人身份证明（副本）")
    before = (CaseMaterial.objects.count(), CaseEvent.objects.count(), mine.revision)
    for user in (aw.other_user, aw.base.clerk):
        with pytest.raises(ValidationError) as refused:
            archive.reuse(aw.p(user), mine, material, theirs)
        assert refused.value.code == "not_own"
    # And the owner cannot push it into someone else's case either.
    with pytest.raises(PermissionDenied):
        archive.reuse(aw.p(aw.company_user), mine, material, theirs)
    mine.refresh_from_db()
    assert (CaseMaterial.objects.count(), CaseEvent.objects.count(), mine.revision) == before
    assert not ArchiveReuse.objects.exists()


def test_a_document_is_only_taken_for_its_own_material(aw):
    first_case(aw)
    deed = ArchivedDocument.objects.get(applicant=aw.company, material_key="房屋产权证明")
    second = apply(aw, aw.second_item, aw.company)
    form = Material.objects.get(name="公章刻制申请表")
    with pytest.raises(ValidationError) as refused:
        archive.reuse(aw.p(aw.company_user), second, form, deed)
    assert refused.value.code == "other_material"


def test_archiving_is_idempotent_and_the_newest_file_replaces_the_older(aw):
    first = first_case(aw)
    count = ArchivedDocument.objects.count()
    archive.on_case_acted(None, case=first, action="accept")
    archive.archive_materials(first)
    assert ArchivedDocument.objects.count() == count
    # A reused file coming back through another accepted case is the same document.
    second = accepted(aw, apply(aw, aw.second_item, aw.company))
    assert ArchivedDocument.objects.count() == count + 1  # only the new form
    identity = ArchivedDocument.objects.get(applicant=aw.company, material_key="法定代表人身份证明")
    assert identity.source_case == first and identity.replaced_by is None
    # A different file for the same material: the newer one is what gets reused now.
    third = apply(aw, aw.base.item, aw.company, "自有房产", "否")
    material = Material.objects.get(version=third.item_version, name="法定代表人身份证明")
    upload(aw, third, material, tag=b"new")
    third = accepted(aw, third)
    identity.refresh_from_db()
    newer = identity.replaced_by
    assert newer is not None and newer.source_case == third and newer.replaced_by is None
    assert list(valid_documents(aw.company).filter(material_key="法定代表人身份证明")) == [newer]
    assert second.status == Status.IN_REVIEW


def _decide(aw, case, *, approve: bool):
    world = aw.base
    case = actions.complete_step(world.p(world.reviewer), case)
    if approve:
        case = actions.approve(world.p(world.chief), case)
    else:
        case = actions.deny(world.p(world.chief), case, reason="经营场所不符合要求")
    case = actions.issue_result(world.p(world.chief), case)
    run_tasks()
    return case


def test_a_denied_case_gives_no_certificate_an_approved_one_does(aw):
    denied = _decide(aw, first_case(aw), approve=False)
    assert denied.status == Status.RESULT_ISSUED
    assert not ArchivedDocument.objects.filter(kind="result").exists()

    granted = _decide(aw, first_case(aw, tag=b"2"), approve=True)
    result = ArchivedDocument.objects.get(kind="result")
    assert (result.name, result.source_case, result.file.name) == ("食品经营许可", granted, "")
    archive.archive_result(granted)  # idempotent
    assert ArchivedDocument.objects.filter(kind="result").count() == 1
    # A certificate without a file is listed but cannot be attached to a case.
    assert result in valid_documents(aw.company)


def test_validity_rules_and_the_default(db):
    day = dt.date(2026, 1, 31)
    assert add_months(day, 1) == dt.date(2026, 2, 28)
    assert add_months(day, 13) == dt.date(2027, 2, 28)
    assert valid_until_for("没有规则的材料", day) == add_months(day, DEFAULT_VALIDITY_MONTHS)
    assert valid_until_for("营业执照", day) is None
    assert valid_until_for("银行流水", day) == dt.date(2026, 4, 30)
    rule = ValidityRule.objects.create(material_key="租赁合同（副本）", months=6)
    assert rule.material_key == "租赁合同"


def test_reuse_all_later_and_nothing_twice(aw):
    """A draft started before the archive held anything takes it on request, once."""
    second = apply(aw, aw.second_item, aw.company)
    assert reusable_for(second) == []
    first_case(aw)
    done = archive.reuse_all(aw.p(aw.base.clerk), second)
    assert len(done) == 2 and all(r.by == aw.base.clerk for r in done)
    assert archive.reuse_all(aw.p(aw.company_user), second) == []
    assert names(actions.missing_materials(second)) == {"公章刻制申请表"}
    assert timezone.localdate(done[0].at) == timezone.localdate()


def test_a_cancelled_licence_is_revoked_in_the_archive(aw):
    world = aw.base
    case = _decide(aw, first_case(aw), approve=True)
    case = actions.deliver(world.p(world.clerk), case, recipient_name="王五", id_checked=True)
    actions.after_closing(world.p(world.chief), case, "cancel_licence", reason="企业申请注销")
    run_tasks()
    result = ArchivedDocument.objects.get(kind="result")
    assert result.revoked_at is not None and case.code in result.revoked_reason
    assert result not in valid_documents(aw.company)


def test_admin_revokes_with_a_reason_and_edits_nothing_else(aw, admin_client):
    first_case(aw)
    document = ArchivedDocument.objects.get(applicant=aw.company, material_key="房屋产权证明")
    url = f"/admin/archive/archiveddocument/{document.pk}/change/"
    assert admin_client.get(url).status_code == 200
    posted = admin_client.post(url, {"revoked_reason": "伪造的产权证明", "name": "改名"})
    assert posted.status_code == 302
    document.refresh_from_db()
    assert document.revoked_reason == "伪造的产权证明" and document.revoked_at is not None
    assert document.name == "房屋产权证明"
    assert admin_client.get("/admin/archive/validityrule/").status_code == 200
    assert admin_client.get("/admin/archive/archivereuse/").status_code == 200
