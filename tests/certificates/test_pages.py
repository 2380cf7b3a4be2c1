"""The portal's verification pages (no login) and the holder's certificates; the
workbench's list, detail and status changes."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AgencyFactory, StaffRole, staff
from tongban.certificates.models import Certificate, CertificateEvent, Status

from .conftest import approved_and_issued, as_upload, certificate_of, other_applicant, run_tasks


@pytest.fixture
def certificate(cw) -> Certificate:
    certificate = certificate_of(approved_and_issued(cw.base))
    run_tasks()
    certificate.refresh_from_db()
    return certificate


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored(certificate) -> bytes:
    with certificate.file.open("rb") as handle:
        return handle.read()


# ---------------------------------------------------------------- public verification


def test_the_qr_page_shows_an_authentic_certificate_without_id_numbers(cw, certificate):
    url = reverse("portal:certificate-verify", args=[certificate.identifier])
    response = Client().get(url, {"t": certificate.verify_token})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-authentic="true"' in page and 'data-status="valid"' in page
    assert "李*" in page and "李四" not in page
    assert "食品经营许可证" in page and certificate.issuer_name in page
    assert certificate.number in page and "2031-" in page
    applicant = cw.base.applicant
    for secret in (applicant.id_number, applicant.id_number_masked, certificate.holder_id_masked):
        assert secret not in page


def test_the_qr_page_without_the_token_says_not_authentic(certificate):
    url = reverse("portal:certificate-verify", args=[certificate.identifier])
    response = Client().get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-authentic="false"' in page and 'data-reason="unknown"' in page
    assert "李*" not in page and certificate.number not in page


def test_revoking_shows_revoked_on_the_verification_page(cw, certificate):
    chief = logged_in(cw.base.chief)
    response = chief.post(
        reverse("workbench:certificate", args=[certificate.pk]),
        {"action": "revoke", "reason": "以欺骗手段取得许可"},
    )
    assert response.status_code == 302
    url = reverse("portal:certificate-verify", args=[certificate.identifier])
    page = Client().get(url, {"t": certificate.verify_token}).content.decode()
    assert 'data-authentic="true"' in page and 'data-status="revoked"' in page


def test_uploading_the_file(certificate):
    url = reverse("portal:certificate-verify-upload")
    anonymous = Client(enforce_csrf_checks=False)
    assert anonymous.get(url).status_code == 200
    data = stored(certificate)
    page = anonymous.post(url, {"file": as_upload(data)}).content.decode()
    assert 'data-authentic="true"' in page and 'data-status="valid"' in page and "李*" in page
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x20
    page = anonymous.post(url, {"file": as_upload(bytes(changed))}).content.decode()
    assert 'data-authentic="false"' in page and "李*" not in page
    page = anonymous.post(url, {"file": as_upload(b"not a pdf", "x.pdf")}).content.decode()
    assert 'data-reason="not_pdf"' in page


def test_uploading_nothing_says_so(db):
    response = Client().post(reverse("portal:certificate-verify-upload"), {})
    assert response.status_code == 400
    assert "data-verdict" not in response.content.decode()


# ---------------------------------------------------------------- the holder's pages


def test_my_certificates_lists_mine_with_status(cw, certificate):
    response = logged_in(cw.base.citizen).get(reverse("portal:my-certificates"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-certificate="{certificate.pk}"' in page and 'data-status="valid"' in page
    assert reverse("portal:certificate-download", args=[certificate.pk]) in page
    other, _applicant = other_applicant()
    page = logged_in(other).get(reverse("portal:my-certificates")).content.decode()
    assert f'data-certificate="{certificate.pk}"' not in page


def test_my_certificates_needs_a_login(db):
    response = Client().get(reverse("portal:my-certificates"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_download_by_the_holder_staff_of_the_issuer_and_an_admin(cw, certificate):
    url = reverse("portal:certificate-download", args=[certificate.pk])
    for user in (cw.base.citizen, cw.base.reviewer, cw.base.chief, cw.admin):
        response = logged_in(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == certificate.file_sha256
        assert "attachment" in response["Content-Disposition"]


def test_nobody_else_downloads(cw, certificate):
    url = reverse("portal:certificate-download", args=[certificate.pk])
    other, _applicant = other_applicant()
    stranger = staff(StaffRole.SECTION_CHIEF, agency=AgencyFactory(name="市卫生健康委员会"))
    for user in (other, stranger, cw.base.clerk):  # the clerk's hall is not the issuer
        assert logged_in(user).get(url).status_code == 404, user
    assert Client().get(url).status_code == 302  # to the login page


def test_a_download_before_rendering_renders_it(cw):
    certificate = certificate_of(approved_and_issued(cw.base))
    assert not certificate.file
    url = reverse("portal:certificate-download", args=[certificate.pk])
    response = logged_in(cw.base.citizen).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    certificate.refresh_from_db()
    assert certificate.file_sha256 == hashlib.sha256(response.content).hexdigest()


# ---------------------------------------------------------------- the workbench


def test_the_workbench_lists_the_agencys_certificates_with_filters(cw, certificate):
    chief = logged_in(cw.base.chief)
    url = reverse("workbench:certificates")
    page = chief.get(url).content.decode()
    assert f'data-certificate="{certificate.pk}"' in page
    page = chief.get(url, {"status": Status.REVOKED}).content.decode()
    assert f'data-certificate="{certificate.pk}"' not in page
    page = chief.get(url, {"status": Status.VALID, "type": certificate.type_code}).content.decode()
    assert f'data-certificate="{certificate.pk}"' in page
    page = chief.get(url, {"q": certificate.number}).content.decode()
    assert f'data-certificate="{certificate.pk}"' in page
    stranger = staff(StaffRole.SECTION_CHIEF, agency=AgencyFactory(name="市卫生健康委员会"))
    page = logged_in(stranger).get(url).content.decode()
    assert f'data-certificate="{certificate.pk}"' not in page
    assert (
        logged_in(stranger).get(reverse("workbench:certificate", args=[certificate.pk])).status_code
        == 404
    )


def test_the_detail_page_shows_the_history_and_changes_by_a_chief(cw, certificate):
    url = reverse("workbench:certificate", args=[certificate.pk])
    chief = logged_in(cw.base.chief)
    page = chief.get(url).content.decode()
    assert 'data-event="issue"' in page and 'name="reason"' in page
    response = chief.post(url, {"action": "suspend", "reason": "立案调查"})
    assert response.status_code == 302
    page = chief.get(url).content.decode()
    assert 'data-event="suspend"' in page and "立案调查" in page
    assert 'data-status="suspended"' in page


def test_a_refused_change_says_why_and_changes_nothing(cw, certificate):
    url = reverse("workbench:certificate", args=[certificate.pk])
    chief = logged_in(cw.base.chief)
    assert chief.post(url, {"action": "suspend", "reason": " "}).status_code == 400
    assert chief.post(url, {"action": "restore", "reason": "并未暂扣"}).status_code == 409
    assert chief.post(url, {"action": "explode", "reason": "x"}).status_code == 400
    reviewer = logged_in(cw.base.reviewer)
    page = reviewer.get(url).content.decode()
    assert 'name="reason"' not in page  # no form for someone who may not
    assert reviewer.post(url, {"action": "suspend", "reason": "越权"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID
    assert CertificateEvent.objects.filter(certificate=certificate).count() == 1


def test_the_workbench_is_for_staff(cw, certificate):
    response = logged_in(cw.base.citizen).get(reverse("workbench:certificates"))
    assert response.status_code == 403
