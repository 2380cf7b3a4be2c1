"""Applying for a bundle: one form, one upload per shared document, parallel decisions,
one supplement notice, the results handed over together."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.bundles.conftest import ANSWERS
from tests.cases.conftest import PDF
from tongban.bundles import actions
from tongban.bundles.models import BundleCase, BundleMember, BundleStatus, Outcome
from tongban.cases import actions as case_actions
from tongban.cases.models import Case, Status
from tongban.catalog.models import Material
from tongban.core.models import Notification

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
FORM = {"company": "德州鑫源食品有限公司", "phone": "13900000000", "address": "德州市德城区"}


def _file(name: str) -> io.BytesIO:
    stream = io.BytesIO(PDF + name.encode())
    stream.name = f"{name}.pdf"
    return stream


def _start(bw, form=FORM, answers=ANSWERS) -> BundleCase:
    w = bw.base
    return actions.start(
        w.p(w.citizen),
        bw.bundle,
        applicant=w.applicant,
        channel="portal",
        form_data=form,
        answers=answers,
    )


def _complete(bw, parent: BundleCase) -> BundleCase:
    w = bw.base
    for gap in actions.missing(parent):
        actions.attach_shared(w.p(w.citizen), parent, gap["material"], _file(gap["material"]))
    return actions.submit(w.p(w.citizen), parent)


def _cases(parent) -> list[Case]:
    return [m.case for m in actions.members(parent)]


def test_one_form_makes_a_case_per_item_routed_to_its_own_agency(bw):
    parent = _start(bw)
    cases = _cases(parent)
    assert [c.item for c in cases] == [p.item for p in bw.parts]
    assert [c.deciding_agency for c in cases] == [p.item.agency for p in bw.parts]
    assert len({c.deciding_agency_id for c in cases}) == 3
    # the one form's fields land in each item's own form (一表填报)
    assert all(c.form_data["contact_phone"] == "13900000000" for c in cases)
    assert all(c.form_data["description"] == FORM["company"] for c in cases)
    assert parent.status == BundleStatus.DRAFT and parent.form_data == FORM


def test_an_incomplete_form_is_refused_and_nothing_is_created(bw):
    with pytest.raises(ValidationError) as refused:
        _start(bw, {"company": "", "phone": "139", "colour": "red"})
    message = str(refused.value)
    assert "企业名称" in message and "colour" in message
    assert not BundleCase.objects.exists() and not Case.objects.exists()


def test_a_phone_that_is_no_number_is_refused_once_and_nothing_is_created(bw):
    with pytest.raises(ValidationError) as refused:
        _start(bw, {**FORM, "phone": "同上"})
    assert "联系电话“同上”不是电话号码" in str(refused.value)
    assert not BundleCase.objects.exists() and not Case.objects.exists()


def test_the_questionnaire_is_answered_once_for_every_part(bw):
    parent = _start(bw, answers={"是否设立分支机构?": "是"})
    gaps = {gap["material"]: len(gap["parts"]) for gap in actions.missing(parent)}
    assert gaps["分支机构登记表"] == 3
    with pytest.raises(ValidationError) as refused:
        _start(bw, answers={})
    assert "是否设立分支机构?" in str(refused.value)


def test_a_shared_material_is_uploaded_once_for_every_part_that_needs_it(bw):
    parent = _start(bw)
    gaps = {gap["material"]: len(gap["parts"]) for gap in actions.missing(parent)}
    assert gaps == {"食品经营许可申请书": 3, "法定代表人身份证明": 3}
    citizen = bw.base.p(bw.base.citizen)
    # the third guide says 法定代表人身份证明（副本）: the same document
    assert actions.attach_shared(citizen, parent, "法定代表人身份证明", _file("id")) == 3
    assert [gap["material"] for gap in actions.missing(parent)] == ["食品经营许可申请书"]
    with pytest.raises(ValidationError):  # nobody needs it any more
        actions.attach_shared(citizen, parent, "法定代表人身份证明", _file("id"))


def test_submitting_with_gaps_is_refused_and_names_them_all(bw):
    parent = _start(bw)
    with pytest.raises(ValidationError) as refused:
        actions.submit(bw.base.p(bw.base.citizen), parent)
    assert "法定代表人身份证明 (公章刻制备案, 涉税事项办理, 社会保险登记)" in str(refused.value)
    assert all(c.status == Status.DRAFT for c in _cases(parent))


def _decide(bw, parent, approve=(True, True, True)):
    w = bw.base
    for part, case, yes in zip(bw.parts, _cases(parent), approve, strict=True):
        case = case_actions.accept(w.p(w.clerk), case, service_point=w.hall, window=w.window)
        case = case_actions.complete_step(w.p(part.reviewer), case)
        if yes:
            case = case_actions.approve(w.p(part.chief), case)
        else:
            case = case_actions.deny(w.p(part.chief), case, reason="不符合条件")
        case_actions.issue_result(w.p(part.chief), case)


def test_parts_are_decided_in_parallel_and_handed_over_together(bw):
    w = bw.base
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ), tick=False):
        parent = _complete(bw, _start(bw))
        assert parent.code.startswith("YJS20261102")
        assert parent.status == BundleStatus.IN_PROGRESS
        assert parent.due is None  # no part accepted yet, no clock running
        _decide(bw, parent, approve=(True, False, True))
        parent.refresh_from_db()
        assert parent.due == max(c.promised_due for c in _cases(parent))
        assert parent.status == BundleStatus.RESULTS_READY
        outcomes = list(BundleMember.objects.values_list("outcome", flat=True))
        assert outcomes == [Outcome.GRANTED, Outcome.DENIED, Outcome.GRANTED]
        delivered = actions.deliver_all(
            w.p(w.clerk), parent, recipient_name="李四", id_checked=True
        )
        assert len(delivered) == 3 and all(c.status == Status.CLOSED for c in delivered)
        parent.refresh_from_db()
        assert parent.status == BundleStatus.COMPLETED and parent.finished_at is not None


def test_results_wait_for_each_other(bw):
    w = bw.base
    parent = _complete(bw, _start(bw))
    first = _cases(parent)[0]
    first = case_actions.accept(w.p(w.clerk), first, service_point=w.hall)
    first = case_actions.complete_step(w.p(bw.parts[0].reviewer), first)
    first = case_actions.approve(w.p(bw.parts[0].chief), first)
    case_actions.issue_result(w.p(bw.parts[0].chief), first)
    parent.refresh_from_db()
    assert parent.status == BundleStatus.IN_PROGRESS
    with pytest.raises(case_actions.transitions.IllegalTransition):
        # one result ready, the other two not even decided: nothing handed over yet
        actions.deliver_all(w.p(w.clerk), parent, recipient_name="李四", id_checked=True)


def test_supplements_of_two_parts_reach_the_applicant_as_one_notice(bw):
    w = bw.base
    parent = _complete(bw, _start(bw))
    before = Notification.objects.filter(recipient=w.citizen, channel="inbox").count()
    first, second, _ = _cases(parent)
    form = Material.objects.get(version=first.item_version, name="食品经营许可申请书")
    case_actions.request_supplement(
        w.p(w.clerk), first, materials=[form], problems={form.pk: "未签字"}
    )
    identity = Material.objects.get(version=second.item_version, name="法定代表人身份证明")
    case_actions.request_supplement(w.p(w.clerk), second, materials=[identity])
    notices = Notification.objects.filter(recipient=w.citizen, channel="inbox").order_by("pk")
    new = list(notices[before:])
    # each request sends the bundle's notice (listing every gap so far), never the case's own
    assert [n.subject for n in new] == ["待补正", "待补正"]
    last = new[-1].body
    assert "公章刻制备案：食品经营许可申请书（未签字）" in last
    assert "涉税事项办理：法定代表人身份证明" in last
    parent.refresh_from_db()
    assert parent.status == BundleStatus.NEEDS_SUPPLEMENT


def test_someone_else_cannot_act_on_the_application(bw):
    from tests.factories import applicant_account

    stranger, _ = applicant_account(name="王五", username="wangwu")
    parent = _start(bw)
    with pytest.raises(actions.PermissionDenied):
        actions.submit(bw.base.p(stranger), parent)


def test_a_company_name_is_checked_before_anything_is_submitted(bw):
    from tongban.catalog.models import Bundle
    from tongban.naming import services as naming

    fields = [dict(f) for f in bw.bundle.form_fields]
    fields[0]["check"] = "enterprise_name"
    Bundle.objects.filter(pk=bw.bundle.pk).update(form_fields=fields)
    bw.bundle.refresh_from_db()
    naming.register_name("德州市鑫源食品有限公司")
    with pytest.raises(ValidationError) as refused:
        _start(bw)
    assert "企业名称：" in str(refused.value) and not BundleCase.objects.exists()
    parent = _start(bw, form={**FORM, "company": "德州市青禾食品有限公司"})
    # registered by someone else while the draft waited: the submission is refused too
    naming.register_name("德州市青禾食品有限公司")
    with pytest.raises(ValidationError):
        _complete(bw, parent)
    parent.refresh_from_db()
    assert parent.status == BundleStatus.DRAFT


def test_the_one_form_replaces_the_application_forms_it_covers(bw):
    from tongban.catalog.models import BundleItem

    BundleItem.objects.filter(bundle=bw.bundle).update(covers=["食品经营许可申请书"])
    parent = _start(bw)
    assert [gap["material"] for gap in actions.missing(parent)] == ["法定代表人身份证明"]
    received = [
        m
        for case in _cases(parent)
        for m in case.materials.filter(material__name="食品经营许可申请书")
    ]
    assert len(received) == 3
    assert {m.sha256 for m in received} == {received[0].sha256}  # one document, stored once
    assert received[0].content_type == "application/pdf"
    assert received[0].file.read().startswith(b"%PDF")


def test_the_actions_of_other_cases_never_ask_for_an_application(bw, monkeypatch):
    """The bundle's hook runs after every case action: for a case no application made
    (``Case.part_of`` empty) it asks the database nothing."""
    from tests.cases.helpers import online_case

    asked = []
    lookup = actions._MEMBER.first
    monkeypatch.setattr(actions._MEMBER, "first", lambda pk: asked.append(pk) or lookup(pk))
    w = bw.base
    case = case_actions.submit(w.p(w.citizen), online_case(w))
    case_actions.accept(w.p(w.clerk), case, service_point=w.hall)
    assert asked == []
    parent = _complete(bw, _start(bw))
    part = _cases(parent)[0]
    assert part.part_of == parent.pk
    case_actions.accept(w.p(w.clerk), part, service_point=w.hall)
    assert part.pk in asked
