"""``/api/v1/violations``: create with evidence (multipart), list by who may see, detail,
evidence download, decide; errors as ``{code, message}``."""

import hashlib

from django.test import Client

from tests.cases.conftest import PDF
from tests.factories import StaffRole, staff
from tongban.certificates.models import Status as CertificateStatus
from tongban.violations.models import ViolationNotice

from .conftest import evidence, file_notice

API = "/api/v1/violations"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(vw, **overrides):
    data = {
        "case": vw.licence.pk,
        "kind": "law",
        "facts": "超范围经营。",
        "legal_basis": "《食品安全法》第一百二十二条",
        "proposed_measure": "withdraw",
        "files": [evidence("笔录.pdf"), evidence("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)],
    }
    data.update(overrides)
    return data


def test_an_officer_files_a_notice_with_evidence(vw):
    response = logged_in(vw.officer).post(API, form(vw))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("GZH-")
    assert body["status"] == "received"
    assert body["agency"] == vw.department.name
    assert body["case_code"] == vw.licence.code
    assert body["certificate_identifier"] == vw.certificate.identifier
    assert body["proposed_measure"] == "withdraw"
    assert [e["name"] for e in body["evidence"]] == ["笔录.pdf", "照片.png"]
    assert body["evidence"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    download = logged_in(vw.base.chief).get(body["evidence"][0]["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"


def test_refusals_are_clear(vw):
    other = logged_in(vw.other_officer).post(API, form(vw))
    assert other.status_code == 403
    assert other.json()["code"] == "forbidden"
    assert "监管" in other.json()["message"]
    english = logged_in(vw.other_officer).post(API, form(vw), headers={"Accept-Language": "en"})
    assert "supervis" in english.json()["message"]
    no_files = logged_in(vw.officer).post(API, form(vw, files=[]))
    assert no_files.status_code in {400, 422}
    missing = logged_in(vw.officer).post(API, form(vw, case=10**9))
    assert missing.status_code == 404
    anonymous = Client().post(API, form(vw))
    assert anonymous.status_code == 401
    assert not ViolationNotice.objects.exists()


def test_who_sees_which_notices(vw):
    notice = file_notice(vw)
    for user, count in [
        (vw.officer, 1),
        (vw.base.chief, 1),
        (vw.cw.admin, 1),
        (vw.other_officer, 0),
        (vw.base.clerk, 0),
        (vw.base.reviewer, 0),  # staff of the deciding agency, but no chief
    ]:
        body = logged_in(user).get(API).json()
        assert body["count"] == count, user.username
    assert logged_in(vw.other_officer).get(f"{API}/{notice.pk}").status_code == 404
    assert logged_in(vw.officer).get(f"{API}/{notice.pk}").json()["code"] == notice.code
    evidence_id = notice.evidence.get().pk
    assert (
        logged_in(vw.other_officer).get(f"{API}/{notice.pk}/evidence/{evidence_id}").status_code
        == 404
    )


def test_a_chief_decides_and_a_second_decision_is_refused(vw):
    notice = file_notice(vw)
    chief = logged_in(vw.base.chief)
    officer_try = logged_in(vw.officer).post(
        f"{API}/{notice.pk}/decision",
        {"measure": "revoke", "reasons": "承诺不实"},
        content_type="application/json",
    )
    assert officer_try.status_code == 403
    response = chief.post(
        f"{API}/{notice.pk}/decision",
        {"measure": "revoke", "reasons": "承诺不实"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "decided"
    assert response.json()["measure"] == "revoke"
    vw.certificate.refresh_from_db()
    assert vw.certificate.status == CertificateStatus.REVOKED
    again = chief.post(
        f"{API}/{notice.pk}/decision",
        {"measure": "dismiss", "reasons": "再议"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"


def test_bad_decision_input_is_400(vw):
    notice = file_notice(vw)
    response = logged_in(vw.base.chief).post(
        f"{API}/{notice.pk}/decision",
        {"measure": "fine", "reasons": "罚款"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_list_is_paginated_and_filtered(vw):
    file_notice(vw)
    second = file_notice(vw)
    chief = logged_in(vw.base.chief)
    chief.post(
        f"{API}/{second.pk}/decision",
        {"measure": "dismiss", "reasons": "证据不足"},
        content_type="application/json",
    )
    body = logged_in(vw.officer).get(API, {"status": "received"}).json()
    assert body["count"] == 1
    assert body["items"][0]["status"] == "received"
    assert logged_in(vw.officer).get(API, {"page": 2}).status_code in {200, 404}


def test_department_chief_sees_the_departments_notices(vw):
    chief = staff(StaffRole.SECTION_CHIEF, agency=vw.department)
    file_notice(vw)
    assert logged_in(chief).get(API).json()["count"] == 1


def test_the_openapi_spec_describes_the_endpoints():
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    create = paths[API]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert create["description"]
    for path in (API, f"{API}/revoked-certificates"):
        assert {"page", "page_size"} <= {p["name"] for p in paths[path]["get"]["parameters"]}
    assert f"{API}/revoked-certificates" in paths
    assert f"{API}/{{notice_id}}/decision" in paths
    assert f"{API}/{{notice_id}}/evidence/{{evidence_id}}" in paths
