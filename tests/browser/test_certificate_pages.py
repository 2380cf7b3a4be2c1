"""In a browser: the verification pages on a phone, the holder's list, the workbench's
pages; no serious accessibility violation on any of them."""

import pytest

from tests.cases.conftest import world  # noqa: F401 (fixture)
from tests.certificates.conftest import (  # noqa: F401 (fixtures, the signing key's directory)
    _own_var,
    _signing_dir,
    approved_and_issued,
    as_upload,
    certificate_of,
    cw,
    run_tasks,
)

from .conftest import DESKTOP, PHONE, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def certificate(cw, transactional_db):  # noqa: F811
    from tests.browser.conftest import seed_working_day_calendar

    seed_working_day_calendar()
    certificate = certificate_of(approved_and_issued(cw.base))
    run_tasks()
    certificate.refresh_from_db()
    return certificate


def test_scanning_the_code_on_a_phone(visit, certificate):
    visiting = visit(PHONE)
    page = visiting.page
    page.goto(f"/verify/{certificate.identifier}/?t={certificate.verify_token}")
    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-authentic") == "true"
    assert verdict.get_attribute("data-status") == "valid"
    assert page.locator("[data-holder]").inner_text() == "李*"
    # Nothing runs off the side of a phone's screen (the identifier is long).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "certificate-verify-phone")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_uploading_a_file_on_a_phone(visit, certificate, tmp_path):
    with certificate.file.open("rb") as stored:
        path = tmp_path / "证照.pdf"
        path.write_bytes(stored.read())
    visiting = visit(PHONE)
    page = visiting.page
    page.goto("/verify/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("form.form button[type=submit]").click()
    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-authentic") == "true"
    screenshot(page, "certificate-upload-phone")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert as_upload  # the helper the other tests post with


@pytest.mark.parametrize(
    ("who", "path", "viewport"),
    [
        ("citizen", "/me/certificates/", PHONE),
        ("chief", "/workbench/certificates/", DESKTOP),
        ("chief", "/workbench/certificates/{pk}/", DESKTOP),
        ("reviewer", "/workbench/certificates/{pk}/", PHONE),
    ],
)
def test_pages_have_no_serious_violations(visit, cw, certificate, who, path, viewport):  # noqa: F811
    visiting = visit(viewport)
    visiting.log_in_as(getattr(cw.base, who))
    page = visiting.page
    response = page.goto(path.format(pk=certificate.pk))
    assert response.status == 200
    assert page.locator(f'[data-certificate="{certificate.pk}"]').count() >= 1
    screenshot(page, f"certificate-{who}-{path.strip('/').replace('/', '-')}")
    violations = axe_violations(page)
    assert not violations, describe(violations)
