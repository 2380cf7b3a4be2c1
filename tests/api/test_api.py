"""The JSON API: OpenAPI, docs, errors as {code, message} in Chinese or English, pagination,
token authentication bound to an agency and scopes, scope enforcement (403)."""

import pytest
from django.test import Client

from tests.factories import (
    AgencyFactory,
    RegionFactory,
    ServicePointFactory,
    WindowFactory,
    applicant_account,
    city_region,
    make_uscc,
    staff,
)
from tongban.core.models import AuditEntry
from tongban.org import actions
from tongban.org.models import Applicant, Region, StaffRole

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_openapi_and_docs_are_served():
    client = Client()
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert "/api/v1/org/regions" in paths and "/api/v1/org/applicants" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # The docs page must work offline: no CDN (the hall network reaches no internet).
    assert b"cdn." not in docs.content and b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_every_list_endpoint_is_paginated():
    spec = Client().get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        # Not lists: who am I, liveness, and a file download.
        if (
            not get
            or "{" in path
            or path.endswith(
                ("/me", "/health", ".xlsx", "/workdays/calendar", "/workdays/deadline")
            )
        ):
            continue
        names = {parameter["name"] for parameter in get.get("parameters", [])}
        assert {"page", "page_size"} <= names, path


def test_region_list_pages_and_filters():
    city = city_region()
    for number in range(25):
        RegionFactory(
            code=f"3714{number + 50:02d}",
            name=f"区{number}",
            level=Region.Level.COUNTY,
            parent=city,
        )
    client = Client()
    first = client.get("/api/v1/org/regions", {"level": 3}).json()
    assert first["count"] == 25 and len(first["items"]) == 20
    second = client.get("/api/v1/org/regions", {"level": 3, "page": 2}).json()
    assert len(second["items"]) == 5
    children = client.get("/api/v1/org/regions", {"parent": "371400", "page_size": 5}).json()
    assert children["count"] == 25 and len(children["items"]) == 5


def test_not_found_is_json_in_chinese_and_english():
    client = Client()
    response = client.get("/api/v1/org/regions/999999")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到。"}
    response = client.get("/api/v1/org/regions/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Not found."


def test_service_point_detail_lists_windows_and_hours():
    hall = ServicePointFactory()
    WindowFactory(service_point=hall, number="A01")
    body = Client().get(f"/api/v1/org/service-points/{hall.pk}").json()
    assert [w["number"] for w in body["windows"]] == ["A01"]


def test_anonymous_write_is_401_with_a_message():
    response = Client().post("/api/v1/org/applicants", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_registers_applicant_and_is_audited_as_the_client():
    issued = actions.issue_api_client("市场监管系统", AgencyFactory(), ["applicants:write"])
    response = Client().post(
        "/api/v1/org/applicants",
        {"kind": "legal", "name": "德州测试有限公司", "credit_code": make_uscc(prefix="91")},
        content_type="application/json",
        **_bearer(issued.token),
    )
    assert response.status_code == 201, response.content
    assert response.json()["identifier"].startswith("91")
    entry = AuditEntry.objects.get(action="applicant.register")
    assert entry.actor_label == "api:市场监管系统"
    assert entry.actor_role == "api_client"


def test_invalid_id_number_is_400_in_chinese_and_changes_nothing():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["applicants:write"])
    payload = {"kind": "person", "name": "李明", "id_number": "110105194912310021"}
    response = Client().post(
        "/api/v1/org/applicants", payload, content_type="application/json", **_bearer(issued.token)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "校验码" in response.json()["message"]
    english = Client().post(
        "/api/v1/org/applicants",
        payload,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **_bearer(issued.token),
    )
    assert "check digit" in english.json()["message"]
    assert Applicant.objects.count() == 0


def test_malformed_body_is_422_with_the_field_named():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["applicants:write"])
    response = Client().post(
        "/api/v1/org/applicants",
        {"kind": "person"},
        content_type="application/json",
        **_bearer(issued.token),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request" and "name" in body["message"]


def test_token_without_scope_is_403():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["org:read"])
    response = Client().post(
        "/api/v1/org/applicants",
        {"kind": "legal", "name": "某公司", "credit_code": make_uscc(prefix="91")},
        content_type="application/json",
        **_bearer(issued.token),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Applicant.objects.count() == 0


def test_wrong_or_revoked_token_is_401():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["org:read"])
    assert Client().get("/api/v1/org/me", **_bearer(issued.token + "x")).status_code == 401
    type(issued.client).objects.filter(pk=issued.client.pk).update(is_active=False)
    assert Client().get("/api/v1/org/me", **_bearer(issued.token)).status_code == 401


def test_token_client_sees_only_staff_of_its_agency():
    market, police = AgencyFactory(), AgencyFactory()
    inspector = staff(StaffRole.SUPERVISING_OFFICER, agency=market)
    staff(StaffRole.BACKOFFICE_REVIEWER, agency=police)
    issued = actions.issue_api_client("系统", market, ["org:read"])
    body = Client().get("/api/v1/org/staff", **_bearer(issued.token)).json()
    assert [member["username"] for member in body["items"]] == [inspector.username]


def test_hall_manager_of_another_hall_gets_403_and_window_stays_open():
    window = WindowFactory()
    manager = staff(StaffRole.HALL_MANAGER, service_point=ServicePointFactory())
    client = _logged_in(manager)
    response = client.post(
        f"/api/v1/org/windows/{window.pk}/status",
        {"is_open": False},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "大厅" in response.json()["message"]
    window.refresh_from_db()
    assert window.is_open is True


def test_applicant_sees_only_self_through_the_api():
    user, record = applicant_account()
    _, other = applicant_account(name="王芳")
    client = _logged_in(user)
    listing = client.get("/api/v1/org/applicants").json()
    assert [item["id"] for item in listing["items"]] == [record.pk]
    assert client.get(f"/api/v1/org/applicants/{other.pk}").status_code == 403
    me = client.get("/api/v1/org/me").json()
    assert me["applicant"]["identifier"] == record.id_number_masked


def test_applicant_updates_profile_and_bad_phone_is_refused():
    user, record = applicant_account()
    client = _logged_in(user)
    bad = client.patch("/api/v1/org/me/profile", {"phone": "123"}, content_type="application/json")
    assert bad.status_code == 400 and "11" in bad.json()["message"]
    good = client.patch(
        "/api/v1/org/me/profile", {"phone": "13700001111"}, content_type="application/json"
    )
    assert good.status_code == 200
    record.refresh_from_db()
    assert record.phone == "13700001111"


def test_health():
    assert Client().get("/api/v1/health").json()["status"] == "ok"


def test_request_id_is_echoed_and_recorded():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["applicants:write"])
    response = Client().post(
        "/api/v1/org/applicants",
        {"kind": "legal", "name": "某公司", "credit_code": make_uscc(prefix="91")},
        content_type="application/json",
        HTTP_X_REQUEST_ID="trace-0000-1111",
        **_bearer(issued.token),
    )
    assert response["X-Request-ID"] == "trace-0000-1111"
    assert AuditEntry.objects.get(action="applicant.register").request_id == "trace-0000-1111"


def test_session_write_without_csrf_token_is_refused_in_chinese():
    window = WindowFactory()
    manager = staff(StaffRole.HALL_MANAGER, service_point=window.service_point)
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(
        f"/api/v1/org/windows/{window.pk}/status",
        {"is_open": False},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "刷新" in response.json()["message"]
    window.refresh_from_db()
    assert window.is_open is True


def test_a_body_that_is_not_json_is_refused_in_chinese_or_english():
    issued = actions.issue_api_client("系统", AgencyFactory(), ["applicants:write"])
    for language, message in (
        ("zh-hans", "请求体不是有效的 JSON。"),
        ("en", "The request body is not valid JSON."),
    ):
        response = Client().post(
            "/api/v1/org/applicants",
            '{"kind": "legal", "name": ',
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
            **_bearer(issued.token),
        )
        assert response.status_code == 400
        assert response.json() == {"code": "malformed_body", "message": message}
