"""The applicant's pages: apply online, my cases (supplement, withdraw, documents) and the
public progress query — through the test client, as a phone's browser would send them."""

# ruff: noqa: F811 — ``world`` is the cases tests' fixture, imported to be used by name

import datetime as dt
import re
from contextlib import contextmanager

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import PDF, world  # noqa: F401 — the cases tests' fixture
from tests.cases.helpers import online_case, upload
from tests.factories import applicant_account
from tongban.cases import actions
from tongban.cases.models import Case, Status
from tongban.catalog.models import ItemVersion, Material
from tongban.core.models import Notification

TZ = dt.timezone(dt.timedelta(hours=8))


@contextmanager
def at(*when):
    with time_machine.travel(dt.datetime(*when, tzinfo=TZ), tick=False):
        yield


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF + name.encode(), content_type="application/pdf")


def material(world, name: str) -> Material:
    return Material.objects.get(version__item=world.item, name=name)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answers(world, *texts) -> dict:
    data = {}
    for text in texts:
        option = world.answers(text)[0]
        from tongban.catalog.models import SituationOption

        data[f"q{SituationOption.objects.get(pk=option).question_id}"] = str(option)
    return data


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_apply_save_a_draft_come_back_and_submit(world):
    client = client_for(world.citizen)
    url = f"/items/{world.item.impl_code}/apply/"
    with at(2026, 9, 28, 9):
        page = client.get(url)
        assert page.status_code == 200
        assert "经营场所权属?" in text(page)
        # Save a draft with the answers, the form and one file.
        form = material(world, "食品经营许可申请书")
        response = client.post(
            url,
            {
                **answers(world, "自有房产", "否"),
                "contact_name": "李四",
                "contact_phone": "13900000000",
                "intent": "save",
                f"m{form.pk}": pdf("申请书"),
            },
        )
        case = Case.objects.get(applicant=world.applicant)
        assert response.status_code == 302
        assert response["Location"] == f"/me/cases/{case.pk}/apply/"
        assert case.status == Status.DRAFT and case.channel == "portal"
        assert case.form_data["contact_name"] == "李四"
        assert case.materials.count() == 1

        # Coming back to the service's apply page finds the draft.
        assert client.get(url)["Location"] == f"/me/cases/{case.pk}/apply/"
        draft = text(client.get(f"/me/cases/{case.pk}/apply/"))
        assert "房屋产权证明" in draft and "申请书.pdf" in draft
        # 营业执照 comes from an e-certificate: shown, with nothing to upload.
        assert "营业执照" in draft and f'name="m{material(world, "营业执照").pk}"' not in draft
        assert "房屋租赁合同" not in draft  # not for these answers

        deed = material(world, "房屋产权证明")
        case.refresh_from_db()
        response = client.post(
            f"/me/cases/{case.pk}/apply/",
            {
                **answers(world, "自有房产", "否"),
                "contact_name": "李四",
                "contact_phone": "13900000000",
                "revision": case.revision,
                "intent": "submit",
                f"m{deed.pk}": pdf("产权证"),
            },
        )
    case.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/me/cases/{case.pk}/"
    assert case.status == Status.SUBMITTED and case.code
    detail = text(client.get(response["Location"]))
    assert (case.code in detail and "已提交" in detail) or case.get_status_display() in detail
    receipt = client.get(f"/me/cases/{case.pk}/documents/receipt.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert client.get(f"/me/cases/{case.pk}/documents/approval.pdf").status_code == 404


def test_a_missing_required_material_is_named_and_the_draft_kept(world):
    client = client_for(world.citizen)
    response = client.post(
        f"/items/{world.item.impl_code}/apply/",
        {**answers(world, "租赁", "否"), "contact_phone": "13805341958", "intent": "submit"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "食品经营许可申请书" in page and "房屋租赁合同" in page
    assert Case.objects.get(applicant=world.applicant).status == Status.DRAFT


def test_bad_input_changes_nothing(world):
    client = client_for(world.citizen)
    url = f"/items/{world.item.impl_code}/apply/"
    # A question left unanswered.
    response = client.post(url, {**answers(world, "租赁"), "intent": "save"})
    assert response.status_code == 400 and "网络销售?" in text(response)
    # A file that is not a PDF, JPEG, PNG or OFD.
    form = material(world, "食品经营许可申请书")
    bad = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**answers(world, "租赁", "否"), f"m{form.pk}": bad})
    assert response.status_code == 400
    # A file for a material of another situation (tampered form).
    deed = material(world, "房屋产权证明")
    response = client.post(url, {**answers(world, "租赁", "否"), f"m{deed.pk}": pdf("x")})
    assert response.status_code == 400
    # A form field that is far too long.
    response = client.post(url, {**answers(world, "租赁", "否"), "contact_phone": "1" * 50})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_items_not_offered_online_are_refused_with_a_clear_message(world):
    ItemVersion.objects.filter(item=world.item).update(online_depth=2)
    response = client_for(world.citizen).get(f"/items/{world.item.impl_code}/apply/")
    assert response.status_code == 409
    assert "不支持网上申请" in text(response)


def test_the_htmx_materials_follow_the_answers(world):
    response = client_for(world.citizen).post(
        f"/items/{world.item.impl_code}/apply/materials/",
        answers(world, "租赁", "是"),
        HTTP_HX_REQUEST="true",
    )
    page = text(response)
    assert "房屋租赁合同" in page and "网站备案信息" in page and "房屋产权证明" not in page


@pytest.fixture
def submitted(world):
    with at(2026, 9, 28, 9):
        return actions.submit(world.p(world.citizen), online_case(world))


def test_supplement_notice_answered_from_my_cases(world, submitted):
    deed = material(world, "房屋产权证明")
    with at(2026, 9, 28, 10):
        actions.request_supplement(
            world.p(world.clerk), submitted, materials=[deed], problems={deed.pk: "复印不清"}
        )
    client = client_for(world.citizen)
    listing = text(client.get("/me/cases/"))
    assert submitted.code in listing
    assert Notification.objects.filter(recipient=world.citizen, read_at__isnull=True).exists()
    page = text(client.get(f"/me/cases/{submitted.pk}/"))
    assert "房屋产权证明" in page and "复印不清" in page
    assert "/documents/supplement.pdf" in page
    submitted.refresh_from_db()
    with at(2026, 9, 29, 10):
        # "I have supplied it" without the file: refused, naming what is missing.
        refused = client.post(
            f"/me/cases/{submitted.pk}/supply/",
            {"intent": "supply", "revision": submitted.revision},
        )
        assert refused.status_code == 400 and "房屋产权证明" in text(refused)
        response = client.post(
            f"/me/cases/{submitted.pk}/supply/",
            {"intent": "supply", "revision": submitted.revision, f"m{deed.pk}": pdf("清晰")},
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    client.post("/me/cases/messages/read/")
    assert not Notification.objects.filter(
        recipient=world.citizen, channel="inbox", read_at__isnull=True
    ).exists()


def test_deferred_materials_sent_from_my_cases(world):
    deed = material(world, "房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    deed.refresh_from_db()
    with at(2026, 11, 2, 10):
        case = online_case(world, upload_all=False)
        upload(world, case, "食品经营许可申请书")
        case = actions.submit(world.p(world.citizen), case)
        case = actions.accept_tolerant(
            world.p(world.clerk), case, deferred=[deed], due=dt.date(2026, 11, 5),
            service_point=world.hall,
        )  # fmt: skip
        client = client_for(world.citizen)
        page = text(client.get(f"/me/cases/{case.pk}/"))
        assert "房屋产权证明" in page and "/documents/tolerant_acceptance.pdf" in page
        response = client.post(
            f"/me/cases/{case.pk}/supply/",
            {"intent": "supply", "revision": case.revision, f"m{deed.pk}": pdf("产权")},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW


def test_withdraw_after_confirmation(world, submitted):
    client = client_for(world.citizen)
    confirm = client.get(f"/me/cases/{submitted.pk}/withdraw/")
    assert confirm.status_code == 200 and submitted.code in text(confirm)
    submitted.refresh_from_db()
    response = client.post(
        f"/me/cases/{submitted.pk}/withdraw/", {"reason": "不办了", "revision": submitted.revision}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    again = client.post(f"/me/cases/{submitted.pk}/withdraw/", {})
    assert again.status_code == 409


def test_a_page_from_before_someone_elses_change_is_refused(world, submitted):
    client = client_for(world.citizen)
    old = submitted.revision
    deed = material(world, "房屋产权证明")
    with at(2026, 9, 28, 10):
        actions.request_supplement(world.p(world.clerk), submitted, materials=[deed])
    response = client.post(f"/me/cases/{submitted.pk}/withdraw/", {"revision": old})
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.status == Status.NEEDS_SUPPLEMENT


def test_progress_query(world, submitted):
    client = Client()
    assert client.get("/progress/").status_code == 200
    found = client.post("/progress/", {"code": submitted.code, "tail": "0000"})
    assert found.status_code == 200
    page = text(found)
    assert submitted.get_status_display() in page and "data-timeline" in page
    assert "李四" not in page  # nothing personal
    id_tail = world.applicant.id_number_masked[-4:]
    assert client.post("/progress/", {"code": submitted.code, "tail": id_tail}).status_code == 200

    wrong = client.post("/progress/", {"code": submitted.code, "tail": "1234"})
    unknown = client.post("/progress/", {"code": "NO-SUCH-CODE", "tail": "0000"})
    assert wrong.status_code == unknown.status_code == 404

    def alert(response):
        return re.search(r"<div class=\"alert.*?</div>", text(response)).group(0)

    assert alert(wrong) == alert(unknown)
    assert submitted.item_version.name not in text(wrong)
    assert client.post("/progress/", {"code": "x", "tail": "12"}).status_code == 400


def test_another_applicant_cannot_see_my_case(world, submitted):
    other, _record = applicant_account(name="王五")
    client = client_for(other)
    pk = submitted.pk
    for url in [
        f"/me/cases/{pk}/",
        f"/me/cases/{pk}/apply/",
        f"/me/cases/{pk}/withdraw/",
        f"/me/cases/{pk}/documents/receipt.pdf",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/me/cases/{pk}/withdraw/", {}).status_code == 404
    assert client.post(f"/me/cases/{pk}/supply/", {"intent": "supply"}).status_code == 404
    assert submitted.code not in text(client.get("/me/cases/"))
    # Staff use the workbench, not the portal's applicant pages.
    assert client_for(world.clerk).get(f"/me/cases/{pk}/").status_code == 404
    assert Client().get(f"/me/cases/{pk}/").status_code == 302  # to the login page


def test_my_cases_are_paged_not_cut_off(client, db):
    """An agent or a busy enterprise sees every application, a page at a time."""
    from tests.catalog.factories import published_item
    from tests.factories import applicant_account
    from tongban.cases.models import Case
    from tongban.catalog.models import ItemVersion
    from tongban.portal.case_views import CASES_PER_PAGE

    user, applicant = applicant_account(name="赵六")
    item = published_item()
    version = item.versions.get()
    Case.objects.bulk_create(
        Case(
            item=item,
            item_version=version,
            applicant=applicant,
            submitted_by=user,
            channel="portal",
            case_type=ItemVersion.CaseType.COMMITTED,
            deciding_agency=item.agency,
        )
        for _ in range(CASES_PER_PAGE + 3)
    )
    client.force_login(user)
    first = client.get("/me/cases/").content.decode()
    second = client.get("/me/cases/", {"page": 2}).content.decode()
    assert first.count('class="mono"') == CASES_PER_PAGE
    assert second.count('class="mono"') == 3
    assert "第 1 页" in first or "Page 1" in first
