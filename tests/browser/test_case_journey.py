"""The issue's first "done when", tried as new users would, every step through the real
pages: a citizen on a phone applies online, the window clerk asks for a supplement, the
citizen supplies it, the clerk accepts, the market regulator's reviewer reviews, its
section chief approves and issues the result, and the clerk hands it over at pickup.

After each step both sides see it: the citizen's "my cases" (list and timeline) and the
staff case detail, with the working-day deadlines around the 2026 National Day holiday
(1–7 October off, Saturday 10 October a make-up working day):

- submitted Tue 29 Sep → acceptance answer due Mon 12 Oct (5 working days: 30 Sep, 8, 9,
  10, 12 Oct); the supplement asked and answered the same day moves nothing;
- accepted Wed 30 Sep with a 5-working-day promise → due Tue 13 Oct (8, 9, 10, 12, 13 Oct);
  the statutory 20 working days → Tue 3 Nov.

Time is frozen per step with ``time_machine`` (``tick=True``): it patches the process
clock, which the live server's thread shares. Sessions last 8 hours, so each person logs
in again with the form on each new day, as they would.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from tests.catalog.factories import published_item
from tongban.cases import transitions
from tongban.cases.models import Case, Status
from tongban.catalog.models import ItemVersion
from tongban.core.pdf import Section, build_document

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

TZ = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "correct horse battery"  # tests.factories.UserFactory

SUBMITTED = dt.date(2026, 9, 29)  # Tuesday before the National Day holiday
ACCEPTED = dt.date(2026, 9, 30)
REVIEWED = dt.date(2026, 10, 9)  # Friday after the holiday
PICKED_UP = dt.date(2026, 10, 12)
ACCEPTANCE_DUE = dt.date(2026, 10, 12)
PROMISED_DUE = dt.date(2026, 10, 13)
STATUTORY_DUE = dt.date(2026, 11, 3)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def scan(title: str) -> dict:
    """A small generated PDF, as a phone's scanner app would produce."""
    content = build_document(title, "扫描件", [Section("内容", [title])], "")
    return {"name": f"{title}.pdf", "mimeType": "application/pdf", "buffer": content}


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def label(action: str) -> str:
    return zh(transitions.ACTION_LABELS[action])


def portal_date(day: dt.date) -> str:
    """The portal's DATE_FORMAT in Chinese."""
    return f"{day.year}年{day.month}月{day.day}日"


def log_in(visiting, username: str) -> None:
    """A fresh login with the form (yesterday's session has expired)."""
    visiting.context.clear_cookies()
    page = visiting.page
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("main").get_by_role("button", name="登录")).to_have_count(0)


def step_shown(timeline, action: str, day: dt.date) -> None:
    """The timeline has the step (its label exactly), dated ``day`` (``<time datetime>``)."""
    page = timeline.page
    step = timeline.locator("li").filter(has=page.get_by_text(label(action), exact=True))
    dated = step.filter(has=page.locator(f"time[datetime^='{day.isoformat()}']"))
    expect(dated.first).to_be_visible()


def said(page, message: str) -> None:
    """The page confirms what was done (other status notes may be on the page too)."""
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()


def fact(page, term: str):
    """The value beside a term of the workbench's case facts."""
    return page.locator("dl.case-facts dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def no_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


class Citizen:
    """The applicant's side: "my cases", the list and the case page, on the phone."""

    def __init__(self, visiting, case_title: str) -> None:
        self.visiting = visiting
        self.page = visiting.page
        self.case_title = case_title

    def my_cases(self, case: Case, status: str, deadline: dt.date | None):
        page = self.page
        page.goto("/me/cases/")
        row = page.get_by_role("row").filter(has_text=case.code)
        expect(row).to_contain_text(zh(Status(status).label))
        expect(row).to_contain_text(portal_date(SUBMITTED))
        if deadline:
            expect(row).to_contain_text(portal_date(deadline))
        row.get_by_role("link", name=self.case_title).click()
        expect(page.locator("[data-case-code]")).to_have_text(case.code)
        expect(page.locator("[data-status]")).to_have_text(zh(Status(status).label))
        if deadline:
            expect(page.locator("[data-deadline]")).to_contain_text(portal_date(deadline))
        else:
            expect(page.locator("[data-deadline]")).to_have_count(0)
        return page.locator("[data-timeline]")


class Staff:
    """A staff member's browser (desktop); the case detail page as they see it."""

    def __init__(self, visiting) -> None:
        self.visiting = visiting
        self.page = visiting.page

    def case_detail(self, case: Case, status: str):
        page = self.page
        page.goto(f"/workbench/cases/{case.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"办件 {case.code}")
        expect(fact(page, "状态")).to_have_text(zh(Status(status).label))
        return page.locator("ol.timeline")


@pytest.fixture
def food(city):
    from tongban.org.models import Agency

    market = Agency.objects.get(name="德州市市场监督管理局")
    item = published_item(market)
    ItemVersion.objects.filter(item=item).update(online_depth=4)
    return item


def test_online_application_to_pickup_seen_by_citizen_and_staff(visit, city, food):
    citizen = Citizen(visit(PHONE), "食品经营许可")
    clerk = Staff(visit(DESKTOP))
    reviewer = Staff(visit(DESKTOP))
    chief = Staff(visit(DESKTOP))
    market = "德州市市场监督管理局"

    with time_machine.travel(at(SUBMITTED, 9), tick=True) as clock:
        # --- Tue 29 Sep, 09:00: the citizen applies online from the item's guide.
        log_in(citizen.visiting, "liming")
        page = citizen.page
        page.goto("/items/")
        page.get_by_role("link", name="食品经营许可").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("食品经营许可")
        page.get_by_role("link", name="在线申请").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("在线申请")
        for question, choice in (("经营场所权属", "自有房产"), ("网络销售", "否")):
            group = page.get_by_role("group", name=re.compile(question))
            group.get_by_label(choice).check()
        # The upload list follows the answers (HTMX): the deed is asked, the lease is not.
        expect(page.get_by_label(re.compile("房屋产权证明"))).to_be_visible()
        expect(page.locator("#apply-materials")).not_to_contain_text("房屋租赁合同")
        page.get_by_label("联系人").fill("李明")
        page.get_by_label("联系电话").fill("13900001234")
        page.get_by_label(re.compile("食品经营许可申请书")).set_input_files(scan("申请书"))
        page.get_by_label(re.compile("房屋产权证明")).set_input_files(scan("产权证"))
        page.get_by_role("button", name="提交申请").click()
        said(page, "已提交")
        case = Case.objects.get(applicant=city["record"])
        assert case.status == Status.SUBMITTED and case.channel == "portal"
        expect(page.locator("[data-case-code]")).to_have_text(case.code)
        timeline = citizen.my_cases(case, Status.SUBMITTED, ACCEPTANCE_DUE)
        step_shown(timeline, "submit", SUBMITTED)
        screenshot(page, "journey_01_citizen_submitted")

        # --- 10:00: the window clerk finds it among the online applications and asks
        # for the deed again, saying what is wrong with it.
        clock.move_to(at(SUBMITTED, 10))
        log_in(clerk.visiting, "clerk")
        page = clerk.page
        expect(page).to_have_url(re.compile(r"/workbench/counter/$"))
        queue = page.locator("h3", has_text="等待受理的网上申请").locator(
            "xpath=following-sibling::table[1]"
        )
        row = queue.get_by_role("row").filter(has_text=case.code)
        expect(row).to_contain_text("李明")
        expect(row).to_contain_text(ACCEPTANCE_DUE.isoformat())
        row.get_by_role("link", name=case.code).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("受理：食品经营许可")
        expect(page.get_by_role("link", name="产权证.pdf")).to_be_visible()
        page.get_by_text("一次性告知补正").click()
        page.get_by_role("checkbox", name="房屋产权证明", exact=True).check()
        page.get_by_label("房屋产权证明存在的问题").fill("复印不清，无法辨认产权人")
        page.get_by_role("button", name="发出补正通知").click()
        said(page, f"办件 {case.code} 的补正通知已一次性告知全部需补正内容。")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"办件 {case.code}")
        timeline = clerk.case_detail(case, Status.NEEDS_SUPPLEMENT)
        step_shown(timeline, "submit", SUBMITTED)
        step_shown(timeline, "request_supplement", SUBMITTED)
        expect(page.locator("#supplements-title").locator("xpath=..")).to_contain_text(
            "房屋产权证明"
        )

        # The citizen is told: a new message, the notice with what is wrong.
        page = citizen.page
        page.goto("/me/cases/")
        expect(page.get_by_role("heading", name=re.compile("新消息"))).to_be_visible()
        timeline = citizen.my_cases(case, Status.NEEDS_SUPPLEMENT, ACCEPTANCE_DUE)
        step_shown(timeline, "request_supplement", SUBMITTED)
        notice = page.locator("[data-supplement]")
        expect(notice).to_contain_text("房屋产权证明")
        expect(notice).to_contain_text("复印不清，无法辨认产权人")
        expect(notice).not_to_contain_text("食品经营许可申请书")  # only what is wrong

        # --- 14:00: the citizen uploads a clear copy and says it is supplied.
        clock.move_to(at(SUBMITTED, 14))
        notice.get_by_label("房屋产权证明").set_input_files(scan("产权证清晰版"))
        notice.get_by_role("button", name="上传并提交补正").click()
        said(page, "已通知受理窗口")
        expect(page.locator("[data-supplement]")).to_have_count(0)
        timeline = citizen.my_cases(case, Status.SUBMITTED, ACCEPTANCE_DUE)
        step_shown(timeline, "supply", SUBMITTED)

        timeline = clerk.case_detail(case, Status.SUBMITTED)
        step_shown(timeline, "supply", SUBMITTED)
        expect(clerk.page.get_by_role("link", name="产权证清晰版.pdf")).to_be_visible()
        expect(fact(clerk.page, "受理期限")).to_contain_text(ACCEPTANCE_DUE.isoformat())

        # --- Wed 30 Sep, 10:00: the clerk accepts; the promised date skips the holiday.
        clock.move_to(at(ACCEPTED, 10))
        log_in(clerk.visiting, "clerk")
        page = clerk.page
        page.get_by_role("row").filter(has_text=case.code).get_by_role(
            "link", name=case.code
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("受理：食品经营许可")
        expect(page.get_by_text("产权证清晰版.pdf")).to_be_visible()
        page.get_by_role("button", name="受理", exact=True).click()
        said(page, f"办件 {case.code} 已受理，转{market}审查。")
        case.refresh_from_db()
        assert case.status == Status.IN_REVIEW and case.service_point == city["hall"]
        timeline = clerk.case_detail(case, Status.IN_REVIEW)
        step_shown(timeline, "accept", ACCEPTED)
        expect(fact(page, "承诺办结时间")).to_contain_text(PROMISED_DUE.isoformat())
        expect(fact(page, "法定期限")).to_contain_text(STATUTORY_DUE.isoformat())
        screenshot(page, "journey_02_clerk_accepted")

        log_in(citizen.visiting, "liming")  # a new day
        timeline = citizen.my_cases(case, Status.IN_REVIEW, PROMISED_DUE)
        step_shown(timeline, "accept", ACCEPTED)
        expect(citizen.page.locator("[data-deadline]")).not_to_contain_text(
            portal_date(ACCEPTANCE_DUE)
        )

        # --- Fri 9 Oct, 10:00 (after the holiday): the market regulator's reviewer
        # finds the case in the inbox and completes the review step.
        clock.move_to(at(REVIEWED, 10))
        log_in(reviewer.visiting, city["reviewer"].username)
        page = reviewer.page
        page.goto("/workbench/inbox/")
        expect(page.get_by_role("row").filter(has_text=case.code)).to_contain_text(
            PROMISED_DUE.isoformat()
        )
        page.get_by_role("link", name=case.code).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"办件 {case.code}")
        page.get_by_label("备注（选填）").fill("材料齐全，符合条件")
        page.get_by_role("button", name="完成本步骤").click()
        said(page, "已完成：完成本步骤。")
        timeline = reviewer.case_detail(case, Status.IN_REVIEW)
        step_shown(timeline, "complete_step", REVIEWED)
        expect(timeline).to_contain_text("材料齐全，符合条件")

        log_in(citizen.visiting, "liming")  # a new day
        timeline = citizen.my_cases(case, Status.IN_REVIEW, PROMISED_DUE)
        step_shown(timeline, "complete_step", REVIEWED)

        # --- 11:00: the section chief approves and issues the result.
        clock.move_to(at(REVIEWED, 11))
        log_in(chief.visiting, city["chief"].username)
        page = chief.page
        page.goto("/workbench/approvals/")
        page.get_by_role("link", name=case.code).click()
        page.get_by_role("button", name="准予许可").click()
        said(page, "已完成：准予许可。")
        timeline = chief.case_detail(case, Status.APPROVED)
        step_shown(timeline, "approve", REVIEWED)
        expect(fact(page, "承诺办结时间")).to_contain_text(PROMISED_DUE.isoformat())

        timeline = citizen.my_cases(case, Status.APPROVED, PROMISED_DUE)
        step_shown(timeline, "approve", REVIEWED)

        clock.move_to(at(REVIEWED, 11, 30))
        page = chief.page
        page.goto("/workbench/approvals/")
        page.locator("#issue-title").locator("xpath=..").get_by_role("link", name=case.code).click()
        page.get_by_role("button", name="出具办理结果").click()
        said(page, "已完成：出具办理结果。")
        timeline = chief.case_detail(case, Status.RESULT_ISSUED)
        step_shown(timeline, "issue_result", REVIEWED)

        timeline = citizen.my_cases(case, Status.RESULT_ISSUED, None)
        step_shown(timeline, "issue_result", REVIEWED)

        # --- Mon 12 Oct, 15:00: the result is handed over at the window that accepted it.
        clock.move_to(at(PICKED_UP, 15))
        log_in(clerk.visiting, "clerk")
        page = clerk.page
        page.goto("/workbench/pickup/")
        ready = page.get_by_role("region", name=re.compile(re.escape(case.code)))
        expect(ready).to_contain_text("李明")
        expect(ready.get_by_label("领取人姓名")).to_have_value("李明")
        ready.get_by_label("已核验身份证件").check()
        ready.get_by_role("button", name="登记出件").click()
        said(page, f"已出件：办件 {case.code} 已办结。")
        case.refresh_from_db()
        assert case.status == Status.CLOSED
        assert case.handover.recipient_name == "李明" and case.handover.recipient_id_checked

        done = ["submit", "request_supplement", "supply", "accept", "complete_step", "approve",
                "issue_result", "deliver", "close"]  # fmt: skip
        days = [SUBMITTED] * 3 + [ACCEPTED] + [REVIEWED] * 3 + [PICKED_UP] * 2

        timeline = clerk.case_detail(case, Status.CLOSED)
        for action, day in zip(done, days, strict=True):
            step_shown(timeline, action, day)
        expect(page.get_by_text(re.compile(r"已于 2026-10-12 15:\d\d 交付 李明"))).to_be_visible()
        documents = page.locator("[data-documents]")
        expect(documents.get_by_role("link")).to_have_count(4)  # receipt, notices, approval
        for name in ("收件凭证", "补正材料告知书", "受理通知书", "准予行政许可决定书"):
            expect(documents).to_contain_text(name)
        response = page.request.get(documents.get_by_role("link").last.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        no_violations(page)
        screenshot(page, "journey_03_staff_closed")

        log_in(citizen.visiting, "liming")  # a new day
        timeline = citizen.my_cases(case, Status.CLOSED, None)
        steps = timeline.locator("li")
        expect(steps).to_have_count(len(done))
        for step, action, day in zip(steps.all(), done, days, strict=True):
            expect(step).to_contain_text(label(action))
            expect(step.locator("time")).to_have_attribute("datetime", re.compile(f"^{day}"))
        expect(
            citizen.page.get_by_text(re.compile(r"办理结果已由 李明 于 2026年10月12日"))
        ).to_be_visible()
        expect(citizen.page.locator("[data-documents]").get_by_role("link")).to_have_count(4)
        screenshot(citizen.page, "journey_04_citizen_closed")
