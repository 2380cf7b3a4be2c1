"""Browser tests: Chromium driven by Playwright's sync API against Django's live server.

Skipped as a whole where no Chromium is installed. Chromium is the system's
(/usr/bin/chromium, or the path in TONGBAN_CHROMIUM), never a downloaded one.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django's ORM would then
# refuse the test's own queries as "async-unsafe". The test thread does not share
# connections with the event loop, so the check does not apply here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SKIP_REASON = "Chromium not found at /usr/bin/chromium: browser tests skipped"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("TONGBAN_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(autouse=True)
def _needs_chromium():
    if chromium_path() is None:
        pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip(SKIP_REASON)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


class Visit:
    """A browser context (Chinese, like most visitors) bound to the live server."""

    def __init__(self, browser, live_server, viewport: dict) -> None:
        self.base = live_server.url
        self.context = browser.new_context(locale="zh-CN", viewport=viewport, base_url=self.base)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        # Nothing may load from the internet: fail any request that leaves the server.
        self.page.route("**/*", self._only_local)

    def _only_local(self, route) -> None:
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            route.abort()

    def log_in_as(self, user) -> None:
        """Log in without the form (for tests about other pages): reuse a Django session."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        self.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": self.base}])

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, live_server, transactional_db):
    """A live server on a database that also holds what migrations seeded (the working-day
    calendar): a transactional test flushes every table when it ends, so the calendar is
    seeded again where an earlier test left it empty."""
    seed_working_day_calendar()
    visits = []

    def open_visit(viewport: dict = DESKTOP) -> Visit:
        visits.append(Visit(browser, live_server, viewport))
        return visits[-1]

    yield open_visit
    for opened in visits:
        opened.close()


def seed_working_day_calendar() -> None:
    """Run the calendar's seed migration again if a flush emptied the table."""
    import importlib

    from django.apps import apps

    from tongban.workdays import clock
    from tongban.workdays.models import ScheduleYear

    if not ScheduleYear.objects.exists():
        importlib.import_module("tongban.workdays.migrations.0002_seed_2004_2026").seed(apps, None)
        clock.invalidate()


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']}: {violation['help']}")
        lines.extend(
            f"    {node['target']}: {node['failureSummary']}" for node in violation["nodes"]
        )
    return "\n".join(lines)


def screenshot(page, name: str) -> None:
    """Save a screenshot when TONGBAN_SCREENSHOTS names a directory (for a human look)."""
    directory = os.environ.get("TONGBAN_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


@pytest.fixture
def city(transactional_db):
    """A small city: two halls with hours and windows, and one person per role."""
    seed_working_day_calendar()
    import datetime as dt

    from tests.factories import (
        AgencyFactory,
        ServicePointFactory,
        WindowFactory,
        applicant_account,
        county_region,
        staff,
    )
    from tongban.org.models import OpeningPeriod, StaffRole

    hall = ServicePointFactory(
        name="德州市政务服务中心", address="德州市德城区东风中路 1566 号", phone="0534-2345678"
    )
    county_hall = ServicePointFactory(
        name="德城区政务服务中心", region=county_region(), address="德城区新湖南大道 88 号"
    )
    for point in (hall, county_hall):
        for weekday in range(1, 6):
            for opens, closes in ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17))):
                OpeningPeriod.objects.create(
                    service_point=point, weekday=weekday, opens=opens, closes=closes
                )
    WindowFactory(service_point=hall, number="A01", name="综合受理一号窗口")
    WindowFactory(service_point=hall, number="A02", name="综合受理二号窗口", is_open=False)
    WindowFactory(service_point=county_hall, number="B01")
    market = AgencyFactory(name="德州市市场监督管理局")
    citizen, record = applicant_account(name="李明", username="liming")
    return {
        "hall": hall,
        "county_hall": county_hall,
        "clerk": staff(
            StaffRole.WINDOW_CLERK, service_point=hall, username="clerk", full_name="王晓窗"
        ),
        "manager": staff(StaffRole.HALL_MANAGER, service_point=hall, full_name="赵大厅"),
        "reviewer": staff(StaffRole.BACKOFFICE_REVIEWER, agency=market, full_name="钱审查"),
        "chief": staff(StaffRole.SECTION_CHIEF, agency=market, full_name="孙科长"),
        "agent": staff(StaffRole.HELPER_AGENT, service_point=hall, full_name="周帮办"),
        "supervisor": staff(StaffRole.SUPERVISING_OFFICER, agency=market, full_name="吴监管"),
        "citizen": citizen,
        "record": record,
    }
