"""``/api/v1/certificates``: public verification by link and by file, the holder's list,
metadata and file for those who may see them, and status changes by staff sessions."""

import hashlib

import pytest
from django.test import Client

from tests.factories import AgencyFactory, StaffRole, staff
from tongban.certificates.models import Certificate, Status

from .conftest import approved_and_issued, as_upload, certificate_of, other_applicant, run_tasks

API = "/api/v1/certificates"


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


def test_verify_by_link_anonymously(certificate):
    response = Client().get(
        f"{API}/verify/{certificate.identifier}", {"t": certificate.verify_token}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["authentic"] is True and body["status"] == "valid" and body["status_code"] == "01"
    assert body["reasons"] == []
    assert body["certificate"]["holder_name"] == "李*"
    assert body["certificate"]["number"] == certificate.number
    assert certificate.holder_id_masked not in response.content.decode()
    wrong = Client().get(f"{API}/verify/{certificate.identifier}", {"t": "nope"}).json()
    assert wrong["authentic"] is False and wrong["certificate"] is None
    assert [r["code"] for r in wrong["reasons"]] == ["unknown"]


def test_verify_a_file_anonymously(certificate):
    with certificate.file.open("rb") as handle:
        data = handle.read()
    body = Client().post(f"{API}/verify", {"file": as_upload(data)}).json()
    assert body["authentic"] is True and body["identifier"] == certificate.identifier
    truncated = Client().post(f"{API}/verify", {"file": as_upload(data[:-20])}).json()
    assert truncated["authentic"] is False and truncated["reasons"]
    missing = Client().post(f"{API}/verify", {})
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"


def test_mine_lists_the_holders_only(cw, certificate):
    body = logged_in(cw.base.citizen).get(f"{API}/mine").json()
    assert body["count"] == 1 and body["items"][0]["identifier"] == certificate.identifier
    assert body["items"][0]["status"] == "valid"
    other, _applicant = other_applicant()
    assert logged_in(other).get(f"{API}/mine").json()["count"] == 0
    assert logged_in(cw.base.chief).get(f"{API}/mine").json()["count"] == 0
    assert Client().get(f"{API}/mine").status_code == 401


def test_metadata_and_file_for_those_who_may_see_them(cw, certificate):
    for user in (cw.base.citizen, cw.base.reviewer, cw.admin):
        client = logged_in(user)
        body = client.get(f"{API}/{certificate.pk}").json()
        assert body["identifier"] == certificate.identifier
        assert body["holder_id_masked"] == certificate.holder_id_masked
        assert [e["action"] for e in body["events"]] == ["issue"]
        assert body["verify_url"].endswith(f"?t={certificate.verify_token}")
        response = client.get(f"{API}/{certificate.pk}/file")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == certificate.file_sha256
    other, _applicant = other_applicant()
    for path in (f"{API}/{certificate.pk}", f"{API}/{certificate.pk}/file", f"{API}/999999"):
        response = logged_in(other).get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Client().get(f"{API}/{certificate.pk}").status_code == 401


def test_status_changes_by_a_chief(cw, certificate):
    chief = logged_in(cw.base.chief)
    response = chief.post(
        f"{API}/{certificate.pk}/status",
        {"action": "suspend", "reason": "立案调查"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "suspended" and body["status_code"] == "02"
    assert [(e["action"], e["operation_code"]) for e in body["events"]] == [
        ("issue", "01"),
        ("suspend", "03"),
    ]
    illegal = chief.post(
        f"{API}/{certificate.pk}/status",
        {"action": "suspend", "reason": "再次暂扣"},
        content_type="application/json",
    )
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    no_reason = chief.post(
        f"{API}/{certificate.pk}/status",
        {"action": "restore", "reason": ""},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "invalid"
    unknown = chief.post(
        f"{API}/{certificate.pk}/status",
        {"action": "expire", "reason": "系统的事"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    certificate.refresh_from_db()
    assert certificate.status == Status.SUSPENDED


def test_status_changes_refused_to_others(cw, certificate):
    payload = {"action": "revoke", "reason": "越权"}
    reviewer = logged_in(cw.base.reviewer).post(
        f"{API}/{certificate.pk}/status", payload, content_type="application/json"
    )
    assert reviewer.status_code == 403 and reviewer.json()["code"] == "forbidden"
    holder = logged_in(cw.base.citizen).post(
        f"{API}/{certificate.pk}/status", payload, content_type="application/json"
    )
    assert holder.status_code == 403
    stranger = staff(StaffRole.SECTION_CHIEF, agency=AgencyFactory(name="市卫生健康委员会"))
    other = logged_in(stranger).post(
        f"{API}/{certificate.pk}/status", payload, content_type="application/json"
    )
    assert other.status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID
