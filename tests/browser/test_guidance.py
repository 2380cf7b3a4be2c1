"""A newcomer says what they want in plain words, finds the one-thing bundle, answers its
combined questions and prints the combined notification, in Chromium: with and without
JavaScript, on a phone, and with axe-core checking each page."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.factories import AgencyFactory
from tests.portal.test_guidance import household_registration, make_bundle, plain_item
from tests.portal.test_item_guide import food_licence
from tongban.catalog import search
from tongban.catalog.models import Bundle, Synonym

from .conftest import PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser
PREMISES, ONLINE = "经营场所权属?", "是否网络销售?"
RENTED = f"a={quote(PREMISES + '|租赁')}&a={quote(ONLINE + '|否')}"


@pytest.fixture
def catalog(transactional_db):
    bureau = AgencyFactory(name="德州市行政审批服务局")
    market = AgencyFactory(name="德州市市场监督管理局")
    household = household_registration(bureau)
    food, _parts = food_licence(
        market, keywords="餐饮 饭店", location="德州市政务服务中心二楼 B 区 12—18 号窗口"
    )
    plain_item(bureau, "企业设立登记", keywords="营业执照 开公司")
    bundle = make_bundle(
        "YJS-CYD",
        "开办餐饮店一件事",
        Bundle.Theme.ENTERPRISE,
        bureau,
        [household, food],
        keywords="开饭店 餐馆 餐饮店",
        description="开一家饭店需要的营业执照和食品经营许可，一次申请、并联审批。",
    )
    Synonym.objects.create(term="开饭店", expansion="餐饮")
    search.reindex_all()
    return bundle


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(choice).check()


def ask(page, words: str) -> None:
    page.get_by_role("searchbox", name="您想办什么事？").fill(words)
    page.get_by_role("button", name="搜索", exact=True).click()


def test_newcomer_opens_a_restaurant(visit, catalog):
    page = visit().page
    page.goto("/")
    screenshot(page, "desktop_home")
    ask(page, "我想开饭店")
    expect(page.get_by_role("heading", name="智能导办", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    first = page.locator(".result-list > li").first
    expect(first).to_contain_text("一件事")
    expect(first).to_contain_text("包含 2 个事项")
    screenshot(page, "desktop_search_results")
    first.get_by_role("link", name="开办餐饮店一件事").click()

    expect(page.get_by_role("heading", name="开办餐饮店一件事", level=1)).to_be_visible()
    expect(page.locator(".key-facts")).to_contain_text("并联办理，最长 8 个工作日")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    answer(page, PREMISES, "租赁")
    answer(page, ONLINE, "否")
    page.get_by_role("button", name="查看我需要的材料").click()

    expect(page.get_by_role("heading", name="根据您的选择，需要提交 3 份材料")).to_be_focused()
    merged = page.get_by_role("table", name="您需要的材料")
    expect(merged.get_by_role("rowheader")).to_have_count(5)
    shared = merged.get_by_role("rowheader", name=re.compile("房屋租赁合同"))
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text("用于：个体工商户设立登记、食品经营许可")
    expect(merged).not_to_contain_text("房屋产权证明")
    expect(page.locator("#guide-result")).to_contain_text("并联办理，最长 5 个工作日")
    assert page.evaluate("window.__sameDocument") is True
    expect(page).to_have_url(re.compile(r"/bundles/YJS-CYD/\?a=.+&a=.+$"))
    screenshot(page, "desktop_bundle_narrowed")

    # Other answers, another list, still without a reload.
    answer(page, PREMISES, "自有房产")
    answer(page, ONLINE, "是")
    page.get_by_role("button", name="查看我需要的材料").click()
    expect(page.get_by_role("heading", name="根据您的选择，需要提交 4 份材料")).to_be_focused()
    expect(merged).to_contain_text("网站备案信息")
    expect(merged).not_to_contain_text("房屋租赁合同")
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_role("link", name="一次性告知书（可打印）").click()
    expect(page.get_by_role("heading", name="一次性告知书", level=1)).to_be_visible()
    sheet = page.locator(".notice-sheet")
    expect(sheet.get_by_role("table", name="需准备的材料").get_by_role("rowheader")).to_have_count(
        6
    )
    expect(sheet).to_contain_text("房屋产权证明")
    expect(sheet).not_to_contain_text("房屋租赁合同")
    expect(sheet).to_contain_text("并联办理，最长 8 个工作日")
    expect(sheet).to_contain_text("德州市政务服务中心二楼 B 区")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(sheet).to_be_visible()


def test_pinyin_initials_find_the_company_registration(visit, catalog):
    page = visit().page
    page.goto("/")
    ask(page, "yyzz")
    expect(page.get_by_text("也按拼音首字母查找")).to_be_visible()
    page.get_by_role("link", name="企业设立登记").click()
    expect(page.get_by_role("heading", name="企业设立登记", level=1)).to_be_visible()


def test_an_unanswered_question_is_named(visit, catalog):
    page = visit().page
    page.goto("/bundles/YJS-CYD/")
    answer(page, PREMISES, "租赁")
    page.get_by_role("button", name="查看我需要的材料").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_focused()
    expect(alert.get_by_role("link", name=ONLINE)).to_be_visible()
    expect(page.get_by_role("table", name="您需要的材料")).to_have_count(0)


def test_without_javascript_the_questions_still_work(browser, live_server, catalog):
    context = browser.new_context(
        locale="zh-CN", java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto("/bundles/YJS-CYD/")
        answer(page, PREMISES, "租赁")
        answer(page, ONLINE, "否")
        page.get_by_role("button", name="查看我需要的材料").click()
        expect(page).to_have_url(re.compile(r"/bundles/YJS-CYD/\?a1=.+&a2=.+#guide-result$"))
        merged = page.get_by_role("table", name="您需要的材料")
        expect(merged.get_by_role("rowheader")).to_have_count(5)
        page.get_by_role("link", name="一次性告知书（可打印）").click()
        expect(page.get_by_role("heading", name="一次性告知书", level=1)).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("where", ["search", "browse", "bundle", "notice"])
def test_phone_width_has_no_horizontal_scrolling(visit, catalog, where):
    page = visit(PHONE).page
    if where == "search":
        page.goto(f"/search/?q={quote('我想开饭店')}")
    elif where == "browse":
        page.goto("/browse/")
    elif where == "bundle":
        page.goto("/bundles/YJS-CYD/")
        answer(page, PREMISES, "租赁")
        answer(page, ONLINE, "否")
        page.get_by_role("button", name="查看我需要的材料").click()
        expect(page.get_by_role("table", name="您需要的材料")).to_be_visible()
    else:
        page.goto(f"/bundles/YJS-CYD/notice/?{RENTED}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, f"phone_guidance_{where}")


@pytest.mark.parametrize(
    "where",
    [
        "search",
        "search-nothing",
        "browse",
        "bundle",
        "bundle-narrowed",
        "notice",
        "notice-incomplete",
    ],
)
def test_guidance_pages_have_no_serious_accessibility_violations(visit, catalog, where):
    page = visit().page
    paths = {
        "search": f"/search/?q={quote('开饭店')}",
        "search-nothing": "/search/?q=zzzzqqq",
        "browse": "/browse/",
        "bundle": "/bundles/YJS-CYD/",
        "bundle-narrowed": f"/bundles/YJS-CYD/?{RENTED}",
        "notice": f"/bundles/YJS-CYD/notice/?{RENTED}",
        "notice-incomplete": "/bundles/YJS-CYD/notice/",
    }
    response = page.goto(paths[where])
    assert response.status == 200
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_phone_search_with_open_menu_is_accessible(visit, catalog):
    page = visit(PHONE).page
    page.goto(f"/search/?q={quote('开饭店')}")
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("link", name="分类浏览")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)
