"""Instant approval as a new user tries it, on a phone (the issue's "done when"): a
68-year-old resident applies for the elderly card on the portal and downloads a signed
certificate in seconds; its QR link opens a page saying it is authentic and valid; a
59-year-old is referred to a person with the reason."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tongban.cases.models import Case, Status
from tongban.certificates.models import Certificate
from tongban.demo.catalog_data import ITEM_BY_KEY
from tongban.demo.loader import load_demo_city
from tongban.org.models import User

from .conftest import PHONE, axe_violations, describe

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    load_demo_city()


def apply_for_the_elderly_card(visiting) -> None:
    page = visiting.page
    page.goto(f"/items/{ITEM_BY_KEY['senior_card'].impl_code}/")
    expect(page.locator("[data-instant-item]")).to_be_visible()
    page.goto(f"/items/{ITEM_BY_KEY['senior_card'].impl_code}/apply/")
    page.get_by_role("group", name=re.compile("是否委托他人代办")).get_by_label("本人办理").check()
    page.locator("button[name=intent][value=submit]").click()


def test_a_resident_of_68_gets_a_signed_certificate_at_once(visit, demo):
    visiting = visit(PHONE)
    visiting.log_in_as(User.objects.get(username="citizen"))
    apply_for_the_elderly_card(visiting)
    page = visiting.page

    decision = page.locator("#instant-decision")
    expect(decision).to_have_attribute("data-instant-outcome", "approve")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    case = Case.objects.get(applicant__account__username="citizen", status=Status.RESULT_ISSUED)
    certificate = Certificate.objects.get(case=case)

    with page.expect_download() as download:
        page.locator("[data-certificate-download]").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and b"/ByteRange" in pdf  # signed

    # The QR code's link: the public page, no login needed.
    verify_url = page.locator("[data-certificate-verify]").get_attribute("href")
    path = verify_url.split("//", 1)[1].split("/", 1)[1]
    public = visit(PHONE)
    public.page.goto("/" + path)
    expect(public.page.locator("body")).to_contain_text(certificate.number)
    expect(public.page.locator("body")).to_contain_text("有效")


def test_a_resident_of_59_is_referred_with_the_reason(visit, demo):
    visiting = visit(PHONE)
    visiting.log_in_as(User.objects.get(username="resident59"))
    apply_for_the_elderly_card(visiting)
    page = visiting.page

    decision = page.locator("#instant-decision")
    expect(decision).to_have_attribute("data-instant-outcome", "refer")
    expect(page.locator("[data-instant-reasons]")).to_contain_text("60")
    assert Case.objects.get(applicant__account__username="resident59").status == Status.SUBMITTED
