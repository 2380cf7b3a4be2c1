"""In a browser: a supervising officer files a violation notice (告知函) with an evidence
file; the bureau's chief revokes the licence; the certificate's public verification page
says revoked and the public list of revoked certificates shows it (on a phone)."""

import pytest

from tests.cases.conftest import PDF, world  # noqa: F401 (fixture)
from tests.certificates.conftest import (  # noqa: F401 (fixtures, the signing key's directory)
    _own_var,
    _signing_dir,
    cw,
)
from tests.violations.conftest import vw  # noqa: F401 (fixture)
from tongban.violations.models import ViolationNotice

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


def test_report_revoke_and_see_it_public(visit, vw, tmp_path):  # noqa: F811
    evidence = tmp_path / "现场检查笔录.pdf"
    evidence.write_bytes(PDF)

    # The officer files the notice from the licence's link (?case=<id>).
    officer = visit(DESKTOP)
    officer.log_in_as(vw.officer)
    page = officer.page
    page.goto(f"/workbench/violations/new/?case={vw.licence.pk}")
    assert page.locator(f'[data-licence="{vw.licence.pk}"]').count() == 1
    screenshot(page, "violation-new")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    form = page.locator("[data-notice-form]")
    form.locator('input[name="kind"][value="commitment"]').check()
    form.locator("#notice-facts").fill(
        "经现场核查，实际经营场所与申请时承诺不符，责令改正后仍未改正。"
    )
    form.locator("#notice-basis").fill("《中华人民共和国行政许可法》第六十九条")
    form.locator('input[name="proposed_measure"][value="revoke"]').check()
    form.locator("#notice-evidence").set_input_files(str(evidence))
    form.locator("button[type=submit]").click()
    notice = page.locator("[data-notice]")
    assert notice.get_attribute("data-status") == "received"
    assert page.locator("[data-evidence] a").inner_text() == "现场检查笔录.pdf"
    screenshot(page, "violation-notice-sent")
    code = ViolationNotice.objects.get().code

    # The chief finds it awaiting a decision and revokes the licence.
    chief = visit(DESKTOP)
    chief.log_in_as(vw.base.chief)
    page = chief.page
    page.goto("/workbench/violations/")
    assert page.locator("[data-notices] [data-notice]").count() == 1
    screenshot(page, "violation-chief-list")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("link", name=code).click()
    form = page.locator("[data-decision-form]")
    form.locator('input[name="measure"][value="revoke"]').check()
    form.locator("#decision-reasons").fill("经核实，申请时承诺不实，依法撤销该许可。")
    form.locator("button[type=submit]").click()
    assert page.locator("[data-decision]").get_attribute("data-decision") == "decided"
    assert page.locator("[data-certificate-status]").get_attribute("data-certificate-status") == (
        "revoked"
    )
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # Anyone, on a phone: the certificate's verification page and the public list.
    public = visit(PHONE)
    page = public.page
    certificate = vw.certificate
    page.goto(f"/verify/{certificate.identifier}/?t={certificate.verify_token}")
    assert page.locator("[data-verdict]").get_attribute("data-status") == "revoked"
    page.locator('a[href="/verify/revoked/"]').click()
    row = page.locator(f'[data-certificate="{certificate.identifier}"]')
    assert row.get_attribute("data-status") == "revoked"
    assert "李*" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "revoked-certificates-phone")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    row.locator("a").click()
    assert page.locator("[data-verdict]").get_attribute("data-status") == "revoked"
