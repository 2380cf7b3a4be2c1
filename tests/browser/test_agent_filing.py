"""帮办代办 in a browser: a village station's agent files for an applicant, scans what they
brought, hands it in; their page says what it still needs; a hall's clerk accepts it."""

import pytest
from playwright.sync_api import expect

from tests.catalog.factories import published_item
from tests.factories import ServicePointFactory, staff
from tongban.cases.models import Case, Status
from tongban.catalog.search import index_item
from tongban.org.models import ServicePoint, StaffRole

from .conftest import axe_violations, describe

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_village_agent_files_for_an_applicant_and_a_hall_accepts(visit, city):
    market = city["reviewer"].assignments.get().agency
    item = published_item(market)
    index_item(item)
    station = ServicePointFactory(
        name="黄河涯镇王庄村代办点", kind=ServicePoint.Kind.VILLAGE_STATION
    )
    agent = staff(StaffRole.HELPER_AGENT, service_point=station, full_name="郑代办")

    visitor = visit()
    visitor.log_in_as(agent)
    page = visitor.page
    page.goto("/workbench/agent/")
    expect(page.get_by_text("您的申请以村级代办点渠道提交。")).to_be_visible()
    page.get_by_role("link", name="查找申请人和事项").click()
    page.goto(f"/workbench/counter/?item={item.pk}&applicant={city['record'].pk}")
    page.get_by_role("button", name="开始受理").click()
    expect(page.get_by_role("heading", name="受理：食品经营许可")).to_be_visible()
    expect(page.get_by_role("heading", name="窗口受理决定")).to_have_count(0)
    for answer in ("租赁", "否"):
        with page.expect_response(lambda r: "/counter/cases/" in r.url):
            page.get_by_label(answer, exact=True).check()
    name = "食品经营许可申请书"
    page.get_by_label(f"{name}的文件").set_input_files(
        {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF + name.encode()}
    )
    page.get_by_role("button", name=f"上传 {name}").click()
    expect(page.get_by_role("link", name=f"{name}.pdf")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.goto("/workbench/agent/")
    expect(page.get_by_role("cell", name="房屋租赁合同")).to_be_visible()  # still needed
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("link", name="草稿").click()
    expect(page.locator("p", has_text="尚缺（大厅将一次性告知补正）")).to_contain_text(
        "房屋租赁合同"
    )
    page.get_by_role("button", name="提交受理").click()
    expect(page.get_by_text("已提交，由政务服务大厅受理")).to_be_visible()
    case = Case.objects.get()
    expect(page.get_by_text(f"办件 {case.code} 已提交")).to_be_visible()
    assert (case.status, case.channel, case.on_behalf) == (
        Status.SUBMITTED,
        "village_station",
        True,
    )
    expect(page.get_by_role("cell", name="待受理")).to_be_visible()

    clerk = visit()
    clerk.log_in_as(city["clerk"])
    page = clerk.page
    page.goto("/workbench/counter/")
    page.get_by_role("link", name=case.code).click()
    # The clerk sees the gap and can ask for it in one notice, or accept tolerantly.
    expect(page.locator("p", has_text="仍缺少")).to_contain_text("房屋租赁合同")
    expect(page.get_by_text("村（社区）便民服务站")).to_be_visible()
