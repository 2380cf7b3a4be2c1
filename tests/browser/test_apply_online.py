"""The issue's "done when", as far as the portal goes, in Chromium on a phone: a citizen
applies online (answers, uploads generated PDFs, submits), the clerk asks for a
supplement, the citizen sees the notice and supplies it, the case is accepted, reviewed,
approved, issued and picked up, and "my cases" shows every step with its date and the
working-day deadline. The staff side uses the actions directly (the workbench has its own
tests); axe-core checks each new page."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from tests.catalog.factories import published_item
from tongban.cases import actions, transitions
from tongban.cases.models import Case, Status
from tongban.catalog.models import ItemVersion, Material
from tongban.core.pdf import Section, build_document
from tongban.org.policy import principal_for_user

from .conftest import PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

TZ = dt.timezone(dt.timedelta(hours=8))


def scan(title: str) -> dict:
    """A small generated PDF, as a phone's scanner app would produce."""
    content = build_document(title, "扫描件", [Section("内容", [title])], "")
    return {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": content}


def no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(choice).check()


def as_staff(user):
    user.__dict__.pop("_tongban_assignments", None)
    return principal_for_user(user)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def food(city):
    from tongban.org.models import Agency

    market = Agency.objects.get(name="德州市市场监督管理局")
    item = published_item(market)
    ItemVersion.objects.filter(item=item).update(online_depth=4)
    return item


def test_citizen_applies_online_and_follows_the_case_to_pickup(visit, city, food):
    citizen = city["citizen"]
    visiting = visit(PHONE)
    page = visiting.page
    with time_machine.travel(dt.datetime(2026, 9, 28, 9, 0, tzinfo=TZ), tick=True) as clock:
        visiting.log_in_as(citizen)
        page.goto(f"/items/{food.impl_code}/apply/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("在线申请")
        expect(page.get_by_text("回答上面的问题后")).to_be_visible()
        no_violations(page)

        # Answering narrows the upload list in place (HTMX), without a reload.
        answer(page, "经营场所权属", "自有房产")
        answer(page, "网络销售", "否")
        expect(page.get_by_label(re.compile("房屋产权证明"))).to_be_visible()
        expect(page.get_by_text("房屋租赁合同")).to_have_count(0)
        expect(page.locator("#apply-materials")).to_contain_text("通过数据共享获取，无需上传")
        page.get_by_label("联系人").fill("李明")
        page.get_by_label("联系电话").fill("13900001234")
        page.get_by_label(re.compile("食品经营许可申请书")).set_input_files(scan("申请书"))
        page.get_by_role("button", name="保存草稿").click()
        expect(page.get_by_role("status")).to_contain_text("草稿已保存")
        expect(page.get_by_text("已收到：申请书.pdf")).to_be_visible()
        no_violations(page)

        # Submitting without the deed: a clear error naming it; nothing submitted.
        page.get_by_role("button", name="提交申请").click()
        expect(page.get_by_role("alert")).to_contain_text("房屋产权证明")
        case = Case.objects.get(applicant=city["record"])
        assert case.status == Status.DRAFT
        page.get_by_label(re.compile("房屋产权证明")).set_input_files(scan("产权证"))
        page.get_by_role("button", name="提交申请").click()
        case.refresh_from_db()
        assert case.status == Status.SUBMITTED
        expect(page.locator("[data-case-code]")).to_have_text(case.code)
        expect(page.get_by_role("link", name=re.compile("收件凭证|Receipt"))).to_be_visible()
        screenshot(page, "phone_case_submitted")

        # The clerk finds the deed unreadable: one notice with the gap.
        deed = Material.objects.get(version=case.item_version, name="房屋产权证明")
        clock.move_to(dt.datetime(2026, 9, 28, 10, 0, tzinfo=TZ))
        actions.request_supplement(
            as_staff(city["clerk"]), case, materials=[deed], problems={deed.pk: "复印不清"}
        )

        clock.move_to(dt.datetime(2026, 9, 29, 9, 0, tzinfo=TZ))
        visiting.log_in_as(citizen)
        page.goto("/me/cases/")
        expect(page.get_by_role("heading", name=re.compile("新消息"))).to_be_visible()
        no_violations(page)
        page.get_by_role("link", name="食品经营许可").click()
        notice = page.locator("[data-supplement]")
        expect(notice).to_contain_text("房屋产权证明")
        expect(notice).to_contain_text("复印不清")
        no_violations(page)
        notice.get_by_label("房屋产权证明").set_input_files(scan("产权证清晰版"))
        notice.get_by_role("button", name="上传并提交补正").click()
        expect(page.get_by_role("status")).to_contain_text("已通知受理窗口")
        case.refresh_from_db()
        assert case.status == Status.SUBMITTED

        # Accepted on 30 September: five working days after the National Day holiday,
        # the make-up Saturday 10 October counted.
        clock.move_to(dt.datetime(2026, 9, 30, 10, 0, tzinfo=TZ))
        case = actions.accept(as_staff(city["clerk"]), case, service_point=city["hall"])
        assert timezone_date(case.promised_due) == dt.date(2026, 10, 13)
        visiting.log_in_as(citizen)
        page.goto(f"/me/cases/{case.pk}/")
        expect(page.locator("[data-deadline]")).to_contain_text(zh_date(dt.date(2026, 10, 13)))

        clock.move_to(dt.datetime(2026, 10, 9, 10, 0, tzinfo=TZ))
        case = actions.complete_step(as_staff(city["reviewer"]), case, note="材料齐全")
        case = actions.approve(as_staff(city["chief"]), case)
        case = actions.issue_result(as_staff(city["chief"]), case)
        clock.move_to(dt.datetime(2026, 10, 12, 15, 0, tzinfo=TZ))
        case = actions.deliver(
            as_staff(city["clerk"]), case, recipient_name="李明", id_checked=True
        )
        assert case.status == Status.CLOSED

        visiting.log_in_as(citizen)
        page.goto(f"/me/cases/{case.pk}/")
        timeline = page.locator("[data-timeline]")
        steps = timeline.locator("li")
        done = ["submit", "request_supplement", "supply", "accept", "complete_step", "approve",
                "issue_result", "deliver", "close"]  # fmt: skip
        expect(steps).to_have_count(len(done))
        with translation.override("zh-hans"):
            for step, action in zip(steps.all(), done, strict=True):
                expect(step).to_contain_text(str(transitions.ACTION_LABELS[action]))
        for day in ("09-28", "09-29", "09-30", "10-09", "10-12"):
            expect(timeline.locator(f"time[datetime^='2026-{day}']").first).to_be_attached()
        with translation.override("zh-hans"):
            expect(page.locator("[data-status]")).to_contain_text(str(Status.CLOSED.label))
        documents = page.locator("[data-documents]")
        expect(documents.get_by_role("link")).to_have_count(
            4
        )  # receipt, supplement, acceptance, approval
        no_violations(page)
        screenshot(page, "phone_case_closed")

        # The PDF behind a link is the real document.
        response = page.request.get(documents.get_by_role("link").last.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"


def timezone_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


def test_public_progress_query_in_the_browser(visit, city, food):
    with time_machine.travel(dt.datetime(2026, 9, 28, 9, 0, tzinfo=TZ), tick=True):
        citizen = city["citizen"]
        case = actions.start_application(
            principal_for_user(citizen),
            food,
            applicant=city["record"],
            channel="portal",
            answers=[
                o.pk for o in food.versions.get().questions.get(order=1).options.filter(order=1)
            ]
            + [o.pk for o in food.versions.get().questions.get(order=2).options.filter(order=2)],
        )
        for material in actions.missing_materials(case):
            from io import BytesIO

            stream = BytesIO(scan(material.name)["buffer"])
            actions.attach_material(
                principal_for_user(citizen), case, material, stream, name="a.pdf"
            )
        case = actions.submit(principal_for_user(citizen), case)

        page = visit(PHONE).page
        page.goto("/progress/")
        no_violations(page)
        page.get_by_label("办件编号").fill(case.code)
        page.get_by_label(re.compile("后 4 位")).fill("9999")
        page.get_by_role("button", name="查询进度").click()
        expect(page.get_by_role("alert")).to_contain_text("未查到办件")
        no_violations(page)
        page.get_by_label(re.compile("后 4 位")).fill(city["record"].phone[-4:])
        page.get_by_role("button", name="查询进度").click()
        result = page.locator("section[data-progress-result]")
        expect(result).to_contain_text(case.code)
        expect(result).not_to_contain_text("李明")
        expect(result.locator("[data-timeline] li")).to_have_count(1)
        no_violations(page)
