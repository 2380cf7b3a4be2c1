"""axe-core on every page: no serious or critical violations."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, axe_violations, describe

pytestmark = pytest.mark.browser

# (path, who is logged in) — None for an anonymous visitor.
PAGES = [
    ("/", None),
    ("/login/", None),
    ("/items/", None),  # the service guides, here with none published yet
    ("/search/", None),  # smart guidance before a word is typed
    ("/search/?q=营业执照", None),  # …and finding nothing in an empty catalogue
    ("/browse/", None),
    ("/me/", "citizen"),
    ("/workbench/", "clerk"),
    ("/workbench/counter/", "clerk"),
    ("/workbench/counter/?q=李", "clerk"),
    ("/workbench/hall/", "manager"),
    ("/workbench/inbox/", "reviewer"),
    ("/workbench/approvals/", "chief"),
    ("/workbench/agent/", "agent"),
    ("/workbench/supervision/", "supervisor"),
    ("/workbench/training/", "manager"),
    ("/workbench/catalog/", "chief"),
    ("/workbench/hall/", "clerk"),  # the 403 page
    ("/no-such-page/", None),  # the 404 page
]


@pytest.mark.parametrize(("path", "who"), PAGES)
def test_page_has_no_serious_accessibility_violations(visit, city, path, who):
    visiting = visit()
    if who:
        visiting.log_in_as(city[who])
    response = visiting.page.goto(path)
    assert response.status in {200, 403, 404}
    violations = axe_violations(visiting.page)
    assert not violations, describe(violations)


def test_counter_with_errors_and_phone_menu_open(visit, city):
    visiting = visit(PHONE)
    visiting.log_in_as(city["clerk"])
    page = visiting.page
    page.goto("/workbench/counter/")
    page.get_by_role("button", name="登记申请人").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_role("button", name="菜单").click()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_english_pages(visit, city):
    visiting = visit()
    visiting.log_in_as(city["manager"])
    page = visiting.page
    page.goto("/workbench/hall/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    violations = axe_violations(page)
    assert not violations, describe(violations)
