"""The case documents: each renders as a PDF with the case code, the right materials and
the bureau's details; the supplement notice lists exactly the gaps that were asked for."""

import datetime as dt
import io
from contextlib import contextmanager

import pytest
import time_machine
from pypdf import PdfReader

from tongban.cases import actions, documents
from tongban.catalog.models import Material

from .helpers import online_case, upload

TZ = dt.timezone(dt.timedelta(hours=8))


@contextmanager
def at(*when):
    with time_machine.travel(dt.datetime(*when, tzinfo=TZ), tick=False):
        yield


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def material(world, name):
    return Material.objects.get(version__item=world.item, name=name)


@pytest.fixture
def submitted(world):
    world.hall.address = "德州市德城区东风中路 1566 号"
    world.hall.phone = "0534-2345678"
    world.hall.save()
    with at(2026, 9, 28, 9):
        case = online_case(world)
        return actions.submit(world.p(world.citizen), case)


def test_a_draft_has_no_documents(world):
    case = online_case(world, upload_all=False)
    assert documents.available_documents(case) == []
    with pytest.raises(documents.NotAvailable):
        documents.render(case, documents.RECEIPT)


def test_receipt_lists_the_files_received_with_their_digest(world, submitted):
    assert documents.available_documents(submitted) == [documents.RECEIPT]
    text = text_of(documents.render(submitted, documents.RECEIPT))
    assert submitted.code in text
    assert "食品经营许可" in text and "李四" in text
    for received in submitted.materials.all():
        assert received.material.name in text
        assert received.sha256[:12] in text
    assert "营业执照" in text  # verified from shared data, listed as such
    assert "市市场监督管理局" in text
    assert "2026-09-28" in text
    # Acceptance within 5 working days: National Day week lies between.
    assert submitted.acceptance_due.date().isoformat() in text


def test_supplement_notice_lists_exactly_the_requested_gaps(world, submitted):
    with at(2026, 9, 28, 10):
        deed = material(world, "房屋产权证明")
        actions.request_supplement(
            world.p(world.clerk),
            submitted,
            materials=[deed],
            problems={deed.pk: "复印不清"},
            conditions=["有与经营的食品品种、数量相适应的经营场所"],
        )
    submitted.refresh_from_db()
    assert documents.SUPPLEMENT in documents.available_documents(submitted)
    text = text_of(documents.render(submitted, documents.SUPPLEMENT))
    assert submitted.code in text
    assert "房屋产权证明" in text and "复印不清" in text
    assert "有与经营的食品品种" in text
    assert "食品经营许可申请书" not in text  # not asked for, so not on the notice
    assert "营业执照" not in text


def test_acceptance_notice_has_the_promised_deadline_and_the_service_point(world, submitted):
    with at(2026, 9, 30, 10):
        case = actions.accept(
            world.p(world.clerk), submitted, service_point=world.hall, window=world.window
        )
    assert documents.available_documents(case) == [documents.RECEIPT, documents.ACCEPTANCE]
    text = text_of(documents.render(case, documents.ACCEPTANCE))
    assert case.code in text
    assert "2026-10-13" in text  # 5 working days after National Day, make-up Saturday counted
    assert "德州市政务服务中心" in text and "0534-2345678" in text
    assert "房屋产权证明" in text and "食品经营许可申请书" in text


def test_tolerant_acceptance_notice_names_the_deferred_materials_and_the_due_date(world):
    deed = material(world, "房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    deed.refresh_from_db()
    with at(2026, 11, 2, 10):
        case = online_case(world, upload_all=False)
        upload(world, case, "食品经营许可申请书")
        case = actions.submit(world.p(world.citizen), case)
        case = actions.accept_tolerant(
            world.p(world.clerk),
            case,
            deferred=[deed],
            due=dt.date(2026, 11, 5),
            service_point=world.hall,
        )
    assert documents.TOLERANT_ACCEPTANCE in documents.available_documents(case)
    assert documents.ACCEPTANCE not in documents.available_documents(case)
    text = text_of(documents.render(case, documents.TOLERANT_ACCEPTANCE))
    assert case.code in text
    assert "房屋产权证明" in text and "2026-11-05" in text


def test_non_acceptance_decision_gives_reasons_and_remedies(world, submitted):
    with at(2026, 9, 28, 11):
        actions.propose_non_acceptance(
            world.p(world.clerk), submitted, reason="不属于本部门职权范围"
        )
        case = actions.confirm_refusal(world.p(world.chief), submitted, note="同意")
    assert documents.NON_ACCEPTANCE in documents.available_documents(case)
    text = text_of(documents.render(case, documents.NON_ACCEPTANCE))
    assert case.code in text and "不属于本部门职权范围" in text
    assert "60" in text and "6" in text


def _accepted(world, case):
    with at(2026, 9, 30, 10):
        case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    with at(2026, 10, 9, 10):
        return actions.complete_step(world.p(world.reviewer), case)


def test_approval_and_denial_decisions(world, submitted):
    case = _accepted(world, submitted)
    with at(2026, 10, 9, 11):
        approved = actions.approve(world.p(world.chief), case)
    assert documents.available_documents(approved)[-1] == documents.APPROVAL
    text = text_of(documents.render(approved, documents.APPROVAL))
    assert approved.code in text and "食品经营许可" in text and "德州市政务服务中心" in text
    with pytest.raises(documents.NotAvailable):
        documents.render(approved, documents.DENIAL)


def test_denial_decision_has_reasons_and_remedies(world, submitted):
    case = _accepted(world, submitted)
    with at(2026, 10, 9, 11):
        denied = actions.deny(world.p(world.chief), case, reason="经营场所不符合要求")
    assert documents.available_documents(denied)[-1] == documents.DENIAL
    text = text_of(documents.render(denied, documents.DENIAL))
    assert denied.code in text and "经营场所不符合要求" in text
    assert documents.APPROVAL not in documents.available_documents(denied)


def test_every_document_is_a_pdf_with_the_embedded_font(world, submitted):
    pdf = documents.render(submitted, documents.RECEIPT)
    assert b"/FontFile2" in pdf
    assert documents.filename(submitted, documents.RECEIPT) == f"{submitted.code}-receipt.pdf"
