"""Business start-up (企业开办) in a browser, in the demo city: a founder applies for the
eight services with one questionnaire and one form (the company name checked as it is
typed), uploads each material once and submits once; each department's officer decides
its part on its own case page; the licence is decided within its half-day promise; the
founder follows every part, and the window hands every result over together.

The window's acceptance of the eight parts is done by the clerk's action directly (the
single-window pages have their own browser tests); everything else is the real pages.
Time is frozen at Monday 30 November 2026 with ``time_machine`` (``tick=True``).
"""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from tongban.bundles import actions
from tongban.bundles.models import BundleCase, BundleStatus
from tongban.cases import actions as case_actions
from tongban.cases.models import Case, Status
from tongban.core.pdf import Section, build_document
from tongban.demo.loader import load_demo_city
from tongban.org.models import ServicePoint, User
from tongban.org.policy import principal_for_user

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser
TZ = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 30)
DECIDES = {
    "企业设立登记": "chief",
    "印章刻制备案": "police_officer",
    "新办纳税人涉税事项（信息确认）": "tax_officer",
    "发票领用": "tax_officer",
    "单位社会保险登记": "hrss_officer",
    "单位基本医疗保险参保登记": "medical_officer",
    "住房公积金单位缴存登记": "fund_officer",
    "企业银行开户预约": "clerk",
}


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=TZ)


def scan(title: str) -> dict:
    content = build_document(title, "扫描件", [Section("内容", [title])], "")
    return {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": content}


def test_a_founder_starts_a_company_with_one_form(visit):
    load_demo_city()
    founder = visit(PHONE)
    page = founder.page

    with time_machine.travel(at(9), tick=True) as clock:
        founder.log_in_as(User.objects.get(username="citizen"))  # sessions last 8 hours
        page.goto("/bundles/YJS-QYKB/")
        page.get_by_role("link", name="在线一次申请全部事项").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("企业开办一件事")
        expect(page.get_by_text("刻制原因？")).to_have_count(0)  # the bundle answers it
        for group in page.locator("fieldset.question").all():
            group.get_by_role("radio").first.check()
        page.get_by_label("企业名称").fill("德州市青禾餐饮管理有限公司")
        expect(page.locator("[data-name-check]")).to_contain_text("该名称可以使用")
        for label, value in (
            ("注册资本（万元）", "50"),
            ("住所", "德州市德城区湖滨北大道1号"),
            ("经营范围", "餐饮管理；餐饮服务"),
            ("法定代表人", "李明"),
            ("联系电话", "13905341234"),
        ):
            page.get_by_label(label).fill(value)
        violations = axe_violations(page)
        assert not violations, describe(violations)
        page.get_by_role("button", name="保存并继续上传材料").click()
        expect(page.locator("[data-status]")).to_have_text("草稿")
        # each material once, for every service that needs it; no service's own form
        expect(page.locator("[data-missing]").first).to_be_visible()
        assert "申请书" not in page.locator("[data-missing]").all_inner_texts()
        while page.locator("[data-missing]").count():
            card = page.locator("[data-missing]").first
            name = card.get_attribute("data-missing")
            card.locator("input[type=file]").set_input_files(scan(name))
            card.get_by_role("button", name="上传").click()
            expect(page.locator(f'[data-missing="{name}"]')).to_have_count(0)
        page.get_by_role("button", name="一并提交").click()
        expect(page.get_by_text("已提交：各部门同时办理各自事项。")).to_be_visible()
        expect(page.locator("[data-part]")).to_have_count(8)
        screenshot(page, "startup_01_submitted")
        parent = BundleCase.objects.get()
        assert parent.code.startswith("YJS20261130")

        # 09:30: the window accepts the eight parts (its own pages are tested elsewhere)
        clock.move_to(at(9, 30))
        hall = ServicePoint.objects.get(name="德州市政务服务中心")
        clerk = principal_for_user(User.objects.get(username="clerk"))
        for member in actions.members(parent):
            case_actions.accept(clerk, member.case, service_point=hall)
        licence = Case.objects.get(item_version__name="企业设立登记")
        assert licence.promised_due == at(15)  # 4 working hours: 9:30–12:00, 13:30–15:00
        page.reload()
        expect(page.locator('[data-part="企业设立登记"]')).to_contain_text("15:00")

        # 11:00: each department's officer decides its part on its own case page
        clock.move_to(at(11))
        for member in actions.members(parent):
            name = member.case.item_version.name
            officer = visit(DESKTOP)
            officer.log_in_as(User.objects.get(username=DECIDES[name]))
            staff_page = officer.page
            staff_page.goto(f"/workbench/cases/{member.case_id}/")
            expect(staff_page.locator("[data-bundle-panel]")).to_contain_text(
                "德州市青禾餐饮管理有限公司"
            )
            staff_page.get_by_role("button", name="准予许可").click()
            expect(staff_page.get_by_text("已完成：准予许可。")).to_be_visible()
            staff_page.get_by_role("button", name="出具办理结果").click()
            expect(staff_page.get_by_text("已完成：出具办理结果。")).to_be_visible()
            officer.close()
        licence.refresh_from_db()
        assert licence.decided_at <= licence.promised_due  # within the half day

        page.reload()
        expect(page.locator("[data-status]")).to_have_text("结果待领取")
        expect(page.locator("[data-done]")).to_have_text("8 / 8")
        expect(page.locator("[data-pickup]")).to_be_visible()
        screenshot(page, "startup_02_results_ready")

        # 11:30: the founder collects everything at once
        clock.move_to(at(11, 30))
        window = visit(DESKTOP)
        window.log_in_as(User.objects.get(username="clerk"))
        window.page.goto(f"/workbench/cases/{licence.pk}/")
        form = window.page.locator("[data-deliver-bundle]")
        form.get_by_label("领取人姓名").fill("李明")
        form.get_by_label("已核验身份证件").check()
        form.get_by_role("button", name="一次交付本申请的全部结果").click()
        expect(window.page.get_by_text("已完成：一次交付本申请的全部结果。")).to_be_visible()

        page.reload()
        expect(page.locator("[data-status]")).to_have_text("已办结")
    parent.refresh_from_db()
    assert parent.status == BundleStatus.COMPLETED
    assert {m.case.status for m in actions.members(parent)} == {Status.CLOSED}
