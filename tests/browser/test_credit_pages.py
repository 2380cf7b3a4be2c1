"""In a browser: an applicant reads the notify-and-commit notice on a phone and signs it,
and the proof it replaces is no longer asked for; a chief sees a black-listed applicant's
credit on the case page and records a commitment's post-check. No serious accessibility
violation on the pages."""

import datetime as dt

import pytest

from tests.cases.conftest import world  # noqa: F401 (fixture)
from tests.cases.helpers import online_case, upload

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

NOTICE = "申请人须具有合法的经营场所，且场所符合食品安全要求。"


@pytest.fixture
def offered(world, transactional_db):  # noqa: F811
    from tests.browser.conftest import seed_working_day_calendar
    from tongban.catalog.guide import forget_published
    from tongban.catalog.models import ItemVersion, Material

    seed_working_day_calendar()
    version = ItemVersion.objects.get(item=world.item, status="published")
    ItemVersion.objects.filter(pk=version.pk).update(commitment_notice=NOTICE)
    Material.objects.filter(version=version, name="房屋产权证明").update(commitment_waivable=True)
    forget_published()
    return world


def test_an_applicant_signs_the_commitment_on_a_phone(visit, offered):
    world = offered  # noqa: F811
    case = online_case(world, upload_all=False)
    upload(world, case, "食品经营许可申请书")
    visiting = visit(PHONE)
    visiting.log_in_as(world.citizen)
    page = visiting.page
    assert page.goto(f"/me/cases/{case.pk}/apply/").status == 200
    page.locator("[data-commitment-offer] a").click()
    page.wait_for_url(f"**/me/cases/{case.pk}/commitment/")
    assert NOTICE in page.locator("[data-commitment-notice]").inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "commitment-notice-phone")
    page.get_by_label("签署姓名").fill("李四")
    page.get_by_role("button", name="签署承诺书").click()
    page.wait_for_selector(".alert-error")  # not confirmed as read: nothing signed
    page.locator("#id_read_notice").check()
    page.get_by_label("签署姓名").fill("李四")
    page.get_by_role("button", name="签署承诺书").click()
    page.wait_for_url(f"**/me/cases/{case.pk}/apply/")
    assert page.locator("[data-committed]").count() == 1
    assert page.locator("[data-commitment-signed]").count() == 1


def test_a_chief_sees_credit_and_records_a_post_check(visit, world, transactional_db):  # noqa: F811
    from tests.browser.conftest import seed_working_day_calendar
    from tests.credit.helpers import accepted_on_commitment, blacklist
    from tongban.cases.models import Case, Status
    from tongban.credit.models import Kind

    seed_working_day_calendar()
    blacklist(
        world, kind=Kind.OVERDUE_SUPPLEMENT, title="容缺材料逾期未补正", on=dt.date(2025, 3, 1)
    )
    case = accepted_on_commitment(world)
    visiting = visit(DESKTOP)
    visiting.log_in_as(world.chief)
    page = visiting.page
    assert page.goto(f"/workbench/cases/{case.pk}/").status == 200
    panel = page.locator("[data-credit-panel]")
    assert panel.get_attribute("data-credit-standing") == "normal"
    assert "容缺材料逾期未补正" in panel.inner_text()
    assert page.goto("/workbench/post-checks/").status == 200
    violations = axe_violations(page)
    assert not violations, describe(violations)
    row = page.locator(f'tr[data-post-check="{case.pk}"]')
    row.get_by_label("承诺属实").check()
    row.locator("input[name=note]").fill("现场核查，场所与承诺一致")
    row.get_by_role("button", name="记录核查结果").click()
    page.wait_for_selector("[data-no-post-checks]")
    screenshot(page, "post-checks")
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.IN_REVIEW
    assert case.commitment.check_result == "confirmed"
