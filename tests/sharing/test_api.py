"""``/api/v1/sharing``: sources for anyone logged in, the query log for auditors, a
case's verifications for whoever may see the case; errors are ``{code, message}``."""

import pytest
from django.test import Client

from tests.factories import StaffRole, applicant_account, staff

from .conftest import put_record


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def case(sw):
    put_record("population", sw.subject, {"name": "李四"})
    return sw.draft()


def test_sources(sw):
    body = client(sw.base.clerk).get("/api/v1/sharing/sources").json()["items"]

    assert [s["code"] for s in body][:2] == ["population", "enterprise"]
    certificates = next(s for s in body if s["code"] == "certificates")
    assert certificates["adapter"] == "certificate_library" and certificates["is_enabled"]
    assert "options" not in certificates
    assert client().get("/api/v1/sharing/sources").status_code == 401


def test_the_query_log_for_auditors_paginated_and_filtered(sw, case):
    auditor = client(staff(StaffRole.AUDITOR))

    body = auditor.get("/api/v1/sharing/queries", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    found = auditor.get("/api/v1/sharing/queries", {"outcome": "found"}).json()["items"]
    assert [q["source"] for q in found] == ["population"]
    assert found[0]["returned"] == {"name": "李四"} and found[0]["case_id"] == case.pk
    assert sw.subject not in str(body) + str(found)
    by_subject = auditor.get("/api/v1/sharing/queries", {"subject": sw.subject}).json()
    assert by_subject["count"] == 3

    refused = client(sw.base.clerk).get("/api/v1/sharing/queries")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client().get("/api/v1/sharing/queries").status_code == 401
    bad = auditor.get("/api/v1/sharing/queries", {"date": "soon"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_a_case_verifications_for_who_may_see_the_case(sw, case):
    body = client(sw.base.citizen).get(f"/api/v1/sharing/cases/{case.pk}/verifications").json()

    assert {(v["material"], v["confirmed"]) for v in body} == {
        ("居民身份证", True), ("学历证书", False), ("营业执照", False),
    }  # fmt: skip
    stranger, _applicant = applicant_account(name="王五")
    refused = client(stranger).get(f"/api/v1/sharing/cases/{case.pk}/verifications")
    assert refused.status_code == 403
    missing = client(sw.base.citizen).get("/api/v1/sharing/cases/999999/verifications")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
