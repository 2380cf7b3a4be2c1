"""A citizen finds a service, narrows its guide to their situation and prints the
one-time notification, in Chromium: with and without JavaScript, on a phone, and with
axe-core checking each page."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import AgencyFactory
from tests.portal.test_item_guide import food_licence, make_item, publish

from .conftest import PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def food(transactional_db):
    agency = AgencyFactory(name="德州市行政审批服务局")
    publish(make_item(agency, name="个体工商户登记", target_applicants=["person"])[1])
    item, parts = food_licence(
        agency,
        procedure="网上或窗口申请\n受理\n审查\n决定并发证",
        location="德州市政务服务中心二楼 B 区 12—18 号窗口",
        contact="0534-2688888",
    )
    return item, parts


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(choice).check()


def test_citizen_narrows_the_guide_and_opens_the_notice(visit, food):
    _item, _parts = food
    page = visit().page
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="办事指南").click()
    expect(page.get_by_role("heading", name="办事指南", level=1)).to_be_visible()
    page.get_by_role("link", name="食品经营许可").click()
    expect(page.get_by_role("heading", name="食品经营许可", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="全部 5 份材料")).to_be_visible()

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    answer(page, "经营场所权属", "租赁")
    answer(page, "是否网络销售", "否")
    page.get_by_role("button", name="查看我需要的材料").click()

    heading = page.get_by_role("heading", name="根据您的选择，需要提交 2 份材料")
    expect(heading).to_be_focused()
    narrowed = page.get_by_role("table", name="您需要的材料")
    expect(narrowed.get_by_role("rowheader")).to_have_count(3)
    expect(narrowed).to_contain_text("房屋租赁合同")
    expect(narrowed).not_to_contain_text("房屋产权证明")
    expect(narrowed).not_to_contain_text("网站备案信息")
    assert page.evaluate("window.__sameDocument") is True
    expect(page).to_have_url(re.compile(r"\?answers=\d+,\d+$"))  # reload keeps the answers
    screenshot(page, "desktop_item_guide_narrowed")

    # Another answer, another list, still without a reload.
    answer(page, "经营场所权属", "自有房产")
    answer(page, "是否网络销售", "是")
    page.get_by_role("button", name="查看我需要的材料").click()
    expect(page.get_by_role("heading", name="根据您的选择，需要提交 3 份材料")).to_be_focused()
    expect(narrowed).to_contain_text("网站备案信息")
    expect(narrowed).not_to_contain_text("房屋租赁合同")
    expect(page.locator("#guide-result")).to_contain_text("8 个工作日")
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_role("link", name="一次性告知书（可打印）").click()
    expect(page.get_by_role("heading", name="一次性告知书", level=1)).to_be_visible()
    sheet = page.locator(".notice-sheet")
    expect(sheet.get_by_role("rowheader")).to_have_count(4)
    expect(sheet).to_contain_text("房屋产权证明")
    expect(sheet).not_to_contain_text("房屋租赁合同")
    expect(sheet).to_contain_text("德州市政务服务中心二楼 B 区")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # On paper: no navigation, no buttons, black on white.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(sheet).to_be_visible()
    colours = page.evaluate(
        "() => { const s = getComputedStyle(document.body); return [s.color, s.backgroundColor]; }"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]


def test_an_unanswered_question_is_named(visit, food):
    item, _parts = food
    page = visit().page
    page.goto(f"/items/{item.impl_code}/")
    answer(page, "经营场所权属", "租赁")
    page.get_by_role("button", name="查看我需要的材料").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_focused()
    expect(alert).to_contain_text("请先回答以下问题")
    expect(alert.get_by_role("link", name="是否网络销售?")).to_be_visible()
    expect(page.get_by_role("table", name="您需要的材料")).to_have_count(0)


def test_without_javascript_the_questions_still_work(browser, live_server, food):
    item, _parts = food
    context = browser.new_context(
        locale="zh-CN", java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto(f"/items/{item.impl_code}/")
        answer(page, "经营场所权属", "租赁")
        answer(page, "是否网络销售", "否")
        page.get_by_role("button", name="查看我需要的材料").click()
        expect(page).to_have_url(re.compile(r"/items/.+/\?q\d+=\d+&q\d+=\d+#guide-result$"))
        narrowed = page.get_by_role("table", name="您需要的材料")
        expect(narrowed.get_by_role("rowheader")).to_have_count(3)
        expect(narrowed).to_contain_text("房屋租赁合同")
        page.get_by_role("link", name="一次性告知书（可打印）").click()
        expect(page.get_by_role("heading", name="一次性告知书", level=1)).to_be_visible()
        expect(page.get_by_role("button", name="打印")).to_be_hidden()  # needs JavaScript
    finally:
        context.close()


@pytest.mark.parametrize("where", ["guide", "notice"])
def test_phone_width_has_no_horizontal_scrolling(visit, food, where):
    item, parts = food
    page = visit(PHONE).page
    if where == "guide":
        page.goto(f"/items/{item.impl_code}/")
        answer(page, "经营场所权属", "租赁")
        answer(page, "是否网络销售", "否")
        page.get_by_role("button", name="查看我需要的材料").click()
        expect(page.get_by_role("table", name="您需要的材料")).to_be_visible()
    else:
        page.goto(f"/items/{item.impl_code}/notice/?answers={parts['rented'].pk},{parts['no'].pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"phone_item_{where}")


@pytest.mark.parametrize("where", ["list", "guide", "notice", "notice-incomplete"])
def test_service_guide_pages_have_no_serious_accessibility_violations(visit, food, where):
    item, parts = food
    page = visit().page
    paths = {
        "list": "/items/",
        "guide": f"/items/{item.impl_code}/?answers={parts['own'].pk},{parts['yes'].pk}",
        "notice": f"/items/{item.impl_code}/notice/?answers={parts['own'].pk},{parts['no'].pk}",
        "notice-incomplete": f"/items/{item.impl_code}/notice/",
    }
    response = page.goto(paths[where])
    assert response.status == 200
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_phone_guide_with_open_menu_is_accessible(visit, food):
    item, _parts = food
    page = visit(PHONE).page
    page.goto(f"/items/{item.impl_code}/")
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("link", name="办事指南").first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
