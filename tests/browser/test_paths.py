"""What people do, end to end in Chromium: the clerk, the applicant, the hall manager."""

import re

import pytest
from playwright.sync_api import expect

from tongban.org.models import Applicant, StaffAssignment, Window

from .conftest import PHONE, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


def log_in_with_the_form(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def test_clerk_registers_a_walk_in_applicant(visit, city):
    page = visit().page
    log_in_with_the_form(page, "clerk")
    expect(page).to_have_url(re.compile(r"/workbench/counter/$"))
    expect(page.get_by_role("heading", name="登记现场申请人")).to_be_visible()

    before = Applicant.objects.count()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    form = page.locator("#register-form")
    form.get_by_label("名称").fill("李明")
    form.get_by_label("身份证号码").fill(WRONG_CHECK_DIGIT)
    form.get_by_role("button", name="登记申请人").click()

    expect(form.locator("#id_id_number_error")).to_have_text("身份证号码校验码错误，请核对号码。")
    expect(page.get_by_role("alert")).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True
    assert Applicant.objects.count() == before

    form.get_by_label("身份证号码").fill(VALID_ID)
    form.get_by_role("button", name="登记申请人").click()
    expect(page.get_by_role("status").filter(has_text="已登记")).to_have_text(
        re.compile(r"李明 已登记（1101\*{10}002X）。")
    )
    assert page.evaluate("window.__sameDocument") is True
    assert Applicant.objects.get(name="李明", registered_at=city["hall"]).id_number == VALID_ID
    assert VALID_ID not in page.content()

    # The new applicant is found at once, masked.
    page.get_by_label("名称、统一社会信用代码或身份证号码").fill("李明")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#lookup-results")).to_contain_text("1101**********002X")


def test_kind_switch_shows_only_the_fields_of_that_kind(visit, city):
    visiting = visit()
    visiting.log_in_as(city["clerk"])
    page = visiting.page
    page.goto("/workbench/counter/")
    form = page.locator("#register-form")
    expect(form.get_by_label("身份证号码")).to_be_visible()
    expect(form.get_by_label("统一社会信用代码")).to_be_hidden()
    form.get_by_label("申请人类型").select_option("legal")
    expect(form.get_by_label("身份证号码")).to_be_hidden()
    expect(form.get_by_label("统一社会信用代码")).to_be_visible()
    expect(form.get_by_label("法定代表人")).to_be_visible()


def test_applicant_changes_their_phone(visit, city):
    page = visit().page
    log_in_with_the_form(page, "liming")
    expect(page).to_have_url(re.compile(r"/me/$"))
    record = city["record"]
    expect(page.get_by_text(record.id_number_masked)).to_be_visible()
    assert record.id_number not in page.content()

    page.get_by_label("手机号码").fill("13712345678")
    page.get_by_role("button", name="保存联系方式").click()
    expect(page.get_by_role("status")).to_have_text("您的联系方式已保存。")
    record.refresh_from_db()
    assert record.phone == "13712345678"


def test_hall_manager_closes_a_window_in_place(visit, city):
    visiting = visit()
    visiting.log_in_as(city["manager"])
    page = visiting.page
    page.goto("/workbench/hall/")
    page.get_by_role("button", name="关闭窗口 A01").click()
    expect(page.get_by_role("button", name="开放窗口 A01")).to_be_focused()
    expect(page.locator("#hall-live")).to_have_text("窗口 A01 已关闭。")
    assert Window.objects.get(number="A01").is_open is False


def test_a_refused_htmx_request_shows_why(visit, city):
    visiting = visit()
    visiting.log_in_as(city["manager"])
    page = visiting.page
    page.goto("/workbench/hall/")
    # The manager is moved away while the page is open: the next click is refused.
    StaffAssignment.objects.filter(user=city["manager"]).delete()
    page.get_by_role("button", name="关闭窗口 A01").click()
    expect(page.locator("#alerts [role=alert]")).to_contain_text("此页面仅供以下岗位使用")
    expect(page).to_have_title(re.compile("大厅管理"))
    assert Window.objects.get(number="A01").is_open is True


def test_english_switch(visit, city):
    page = visit().page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name="English").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Find a service hall")).to_be_visible()
    page.goto("/login/")
    expect(page.get_by_role("main").get_by_role("button", name="Log in")).to_be_visible()
    page.get_by_role("button", name="简体中文").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


@pytest.mark.parametrize("path", ["/", "/workbench/counter/", "/workbench/hall/", "/login/"])
def test_phone_width_has_no_horizontal_scrolling(visit, city, path):
    visiting = visit(PHONE)
    visiting.log_in_as(city["manager"])
    page = visiting.page
    page.goto(path)
    if path == "/workbench/counter/":
        # With errors and a result list the page is at its widest.
        page.get_by_role("button", name="登记申请人").click()
        expect(page.get_by_role("alert")).to_be_visible()
        page.goto(f"{path}?q=李明")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone" + (path.replace("/", "_").rstrip("_") or "_home"))


def test_phone_menu_folds(visit, city):
    visiting = visit(PHONE)
    visiting.log_in_as(city["clerk"])
    page = visiting.page
    page.goto("/workbench/counter/")
    menu = page.get_by_role("button", name="菜单")
    nav = page.get_by_role("navigation", name="工作台页面")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="窗口受理")).to_be_visible()


def test_desktop_portal_home(visit, city):
    page = visit().page
    page.goto("/")
    expect(page.get_by_role("heading", name="德州市政务服务中心")).to_be_visible()
    expect(page.get_by_text("星期一至星期五").first).to_be_visible()
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    screenshot(page, "desktop_portal_home")
