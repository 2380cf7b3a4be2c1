"""一窗受理 in a browser: a comprehensive window accepts an item of another agency, that
agency reviews and decides it, the result comes back to the window; a clerk's refusal
waits for the chief. The new pages pass the axe check on the way."""

import pytest
from playwright.sync_api import expect

from tests.catalog.factories import published_item
from tongban.cases.models import Case, Status
from tongban.catalog.search import index_item

from .conftest import axe_violations, describe

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def food_licence(city):
    """The market regulator's food-business licence: not the service bureau's own item."""
    market = city["reviewer"].assignments.get().agency
    item = published_item(market)
    index_item(item)
    return item


def check_axe(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def start_at_the_counter(page, city, item, *, search: bool) -> None:
    """The clerk finds the item and the applicant, answers, scans everything."""
    if search:
        page.goto("/workbench/counter/")
        page.get_by_label("事项名称、关键词或实施编码").fill("食品经营")
        page.get_by_role("button", name="查找事项").click()
        page.get_by_role("link", name="选择 食品经营许可").click()
        page.locator("#lookup-q").fill("李明")
        page.locator("#lookup-q").press("Enter")
        page.get_by_role("link", name="选择 李明").click()
    else:
        page.goto(f"/workbench/counter/?item={item.pk}&applicant={city['record'].pk}")
    expect(page.get_by_text("受理地点：德州市政务服务中心 · A01 综合受理一号窗口")).to_be_visible()
    page.get_by_role("button", name="开始受理").click()
    expect(page.get_by_role("heading", name="受理：食品经营许可")).to_be_visible()
    for answer in ("租赁", "否"):
        with page.expect_response(lambda r: "/counter/cases/" in r.url):
            page.get_by_label(answer, exact=True).check()
    expect(page.get_by_text("情形已保存")).to_be_visible()
    for name in ("食品经营许可申请书", "房屋租赁合同"):
        page.get_by_label(f"{name}的文件").set_input_files(
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF + name.encode()}
        )
        page.get_by_role("button", name=f"上传 {name}").click()
        expect(page.get_by_role("link", name=f"{name}.pdf")).to_be_visible()


def test_comprehensive_window_accepts_for_another_agency_which_decides(visit, city, food_licence):
    clerk = visit()
    clerk.log_in_as(city["clerk"])
    page = clerk.page
    start_at_the_counter(page, city, food_licence, search=True)
    expect(page.get_by_text("营业执照")).to_be_visible()
    expect(page.get_by_text("通过共享数据核验，无需提交")).to_be_visible()  # not asked
    check_axe(page)
    page.get_by_role("button", name="提交并受理").click()
    expect(page.get_by_text("已受理，转德州市市场监督管理局审查")).to_be_visible()
    case = Case.objects.get()
    assert case.status == Status.IN_REVIEW
    assert case.deciding_agency.name == "德州市市场监督管理局"
    assert case.comprehensive_window
    check_axe(page)

    reviewer = visit()
    reviewer.log_in_as(city["reviewer"])
    page = reviewer.page
    page.goto("/workbench/inbox/")
    check_axe(page)
    page.get_by_role("link", name=case.code).click()
    expect(page.get_by_role("heading", name=f"办件 {case.code}")).to_be_visible()
    check_axe(page)
    page.get_by_label("备注（选填）").fill("材料齐全，符合条件")
    page.get_by_role("button", name="完成本步骤").click()
    expect(page.get_by_text("已完成：完成本步骤。")).to_be_visible()
    expect(page.get_by_text("材料齐全，符合条件")).to_be_visible()

    chief = visit()
    chief.log_in_as(city["chief"])
    page = chief.page
    page.goto("/workbench/approvals/")
    check_axe(page)
    page.get_by_role("link", name=case.code).click()
    page.get_by_role("button", name="准予许可").click()
    expect(page.get_by_text("已完成：准予许可。")).to_be_visible()
    page.get_by_role("button", name="出具办理结果").click()
    expect(page.get_by_text("已完成：出具办理结果。")).to_be_visible()

    page = clerk.page
    page.goto("/workbench/pickup/")
    expect(page.get_by_role("link", name=case.code)).to_be_visible()
    check_axe(page)
    page.get_by_label("已核验身份证件").check()
    page.get_by_role("button", name="登记出件").click()
    expect(page.get_by_text(f"已出件：办件 {case.code} 已办结。")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.handover.recipient_name == "李明"
    assert case.handover.recipient_id_checked


def test_a_clerks_refusal_waits_for_the_chief_who_overturns_it(visit, city, food_licence):
    clerk = visit()
    clerk.log_in_as(city["clerk"])
    page = clerk.page
    start_at_the_counter(page, city, food_licence, search=False)
    page.get_by_text("提出不予受理意见").click()
    page.get_by_label("理由").fill("经营场所不在本市")
    page.get_by_role("button", name="提交科长决定").click()
    expect(page.get_by_text("由德州市市场监督管理局科长确认或驳回")).to_be_visible()
    case = Case.objects.get()
    assert case.status == Status.NON_ACCEPTANCE_PENDING

    chief = visit()
    chief.log_in_as(city["chief"])
    page = chief.page
    page.goto("/workbench/approvals/")
    expect(page.get_by_text("等待您确认或驳回")).to_be_visible()
    page.get_by_role("link", name=case.code).click()
    expect(page.get_by_text("经营场所不在本市").first).to_be_visible()
    page.get_by_text("驳回不予办理意见").first.click()
    # Overturning needs a reason: without one the form says so and nothing changes.
    page.get_by_role("button", name="驳回不予办理意见").click()
    expect(page.get_by_role("alert")).to_contain_text("未作任何更改")
    check_axe(page)
    page.get_by_label("驳回理由").fill("租赁场所位于德城区，属本市范围")
    page.get_by_role("button", name="驳回不予办理意见").click()
    expect(page.get_by_text("已完成：驳回不予办理意见。")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED

    page = clerk.page
    page.goto("/workbench/counter/")
    expect(page.get_by_role("link", name=case.code)).to_be_visible()
