"""In a browser: a supervising officer opens the inbox, claims a newly approved licence
with one click (HTMX), and sees the department's claim rate; no serious accessibility
violation on the pages."""

import pytest

from tests.supervision.conftest import (  # noqa: F401 (fixtures)
    _own_var,
    _signing_dir,
    cw,
    sw,
    world,
)

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def pushed(sw, transactional_db):  # noqa: F811
    from tests.browser.conftest import seed_working_day_calendar
    from tongban.supervision.models import Push

    seed_working_day_calendar()
    case = sw.approve()
    return Push.objects.get(case=case)


def test_an_officer_claims_a_licence_and_sees_the_claim_rate(visit, sw, pushed):  # noqa: F811
    visiting = visit(DESKTOP)
    visiting.log_in_as(sw.officer)
    page = visiting.page
    assert page.goto("/workbench/supervision/").status == 200
    row = page.locator(f'tr[data-push="{pushed.pk}"]')
    assert row.get_attribute("data-claimed") == "no"
    assert "食品经营许可" in row.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "supervision-inbox")

    row.locator("button[name=claim]").click()
    claimed = page.locator(f'tr[data-push="{pushed.pk}"][data-claimed="yes"]')
    claimed.wait_for()
    assert sw.officer.full_name in claimed.inner_text()
    pushed.refresh_from_db()
    assert pushed.claimed_by == sw.officer

    page.locator('a[href="/workbench/supervision/claim-rates/"]').first.click()
    page.wait_for_url("**/claim-rates/")
    department = page.locator(f'#rates-departments tr[data-department="{sw.amr.pk}"]')
    assert department.locator("[data-rate]").inner_text().strip() == "100%"
    screenshot(page, "supervision-claim-rates")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_the_detail_page_on_a_phone(visit, sw, pushed):  # noqa: F811
    visiting = visit(PHONE)
    visiting.log_in_as(sw.officer)
    page = visiting.page
    assert page.goto(f"/workbench/supervision/{pushed.pk}/").status == 200
    assert page.locator(f'[data-push="{pushed.pk}"]').count() == 1
    page.locator("button[value=claim]").click()
    page.locator('[data-claimed="yes"]').wait_for()
    violations = axe_violations(page)
    assert not violations, describe(violations)
