"""The catalog API: guides for everyone; the versioning workflow for catalog staff and
authorised systems; 403 out of scope, 409 for illegal moves, nothing changed on errors."""

import pytest
import time_machine
from django.test import Client

from tests.catalog.factories import option, published_item
from tests.factories import AgencyFactory, ServicePointFactory, county_region, staff
from tongban.catalog.models import ItemVersion
from tongban.org import actions as org_actions
from tongban.org.models import Agency, StaffRole

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def bureau():
    return AgencyFactory(kind=Agency.Kind.APPROVAL_BUREAU)


@pytest.fixture
def item(bureau):
    return published_item(bureau)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_and_guide_are_public(item):
    client = Client()
    listing = client.get("/api/v1/catalog/items").json()
    assert listing["count"] == 1
    assert listing["items"][0]["name"] == "食品经营许可"
    guide = client.get(f"/api/v1/catalog/items/{item.impl_code}").json()
    assert guide["number"] == 1 and len(guide["materials"]) == 5
    assert [q["text"] for q in guide["questions"]] == ["经营场所权属?", "网络销售?"]
    assert {m["name"]: m["verifiable"] for m in guide["materials"]}["营业执照"] is True


def test_guide_narrowed_by_answers(item):
    answers = [option(item, "租赁").pk, option(item, "是").pk]
    body = (
        Client()
        .post(
            f"/api/v1/catalog/items/{item.impl_code}/guide", {"answers": answers}, content_type=JSON
        )
        .json()
    )
    assert [m["name"] for m in body["materials"]] == [
        "食品经营许可申请书",
        "营业执照",
        "房屋租赁合同",
        "网站备案信息",
    ]
    assert body["promised_limit"] == 8


def test_guide_with_missing_answers_names_the_question(item):
    response = Client().post(
        f"/api/v1/catalog/items/{item.impl_code}/guide",
        {"answers": [option(item, "租赁").pk]},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "网络销售?" in response.json()["message"]
    assert "情形" in response.json()["message"]


@time_machine.travel("2026-03-01 10:00 +0800", tick=False)
def test_draft_submit_publish_through_the_api(item, bureau):
    editor = _as(staff(StaffRole.CATALOG_ADMIN, agency=bureau))
    reviewer = _as(staff(StaffRole.CATALOG_ADMIN, agency=bureau))
    base = f"/api/v1/catalog/items/{item.impl_code}"
    draft = editor.post(f"{base}/drafts").json()
    assert (draft["number"], draft["status"]) == (2, "draft")
    submitted = editor.post(f"{base}/versions/2/submit", {"change_note": "更新"}, content_type=JSON)
    assert submitted.json()["status"] == "in_review"
    own = editor.post(
        f"{base}/versions/2/publish", {"effective_from": "2026-03-02"}, content_type=JSON
    )
    assert own.status_code == 403
    published = reviewer.post(
        f"{base}/versions/2/publish", {"effective_from": "2026-03-02"}, content_type=JSON
    )
    assert published.status_code == 200, published.content
    again = reviewer.post(
        f"{base}/versions/2/publish", {"effective_from": "2026-03-02"}, content_type=JSON
    )
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    assert Client().get(f"{base}/versions/1").json()["number"] == 1
    diff = Client().get(f"{base}/diff/1/2").json()
    assert diff["fields"] == {} and diff["materials_added"] == []


def test_clerk_cannot_start_a_draft(item):
    clerk = _as(staff(StaffRole.WINDOW_CLERK, service_point=ServicePointFactory()))
    response = clerk.post(f"/api/v1/catalog/items/{item.impl_code}/drafts")
    assert response.status_code == 403
    assert item.versions.count() == 1


def test_department_system_with_catalog_scope_drafts_its_own_items_only(item, bureau):
    own = org_actions.issue_api_client("审批系统", bureau, ["catalog:write"])
    other = org_actions.issue_api_client("他局系统", AgencyFactory(), ["catalog:write"])
    url = f"/api/v1/catalog/items/{item.impl_code}/drafts"
    assert Client().post(url, HTTP_AUTHORIZATION=f"Bearer {other.token}").status_code == 403
    assert Client().post(url, HTTP_AUTHORIZATION=f"Bearer {own.token}").status_code == 200


def test_cancel_and_delegate_through_the_api(item, bureau):
    chief = _as(staff(StaffRole.SECTION_CHIEF, agency=bureau))
    county = county_region()
    county_bureau = AgencyFactory(region=county, kind=Agency.Kind.APPROVAL_BUREAU)
    base = f"/api/v1/catalog/items/{item.impl_code}"
    response = chief.post(
        f"{base}/delegations",
        {
            "region_code": county.code,
            "handling_agency_id": county_bureau.pk,
            "effective_from": "2026-06-01",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    response = chief.post(f"{base}/cancel", {"on": "2026-12-31", "reason": ""}, content_type=JSON)
    assert response.status_code == 400
    response = chief.post(
        f"{base}/cancel", {"on": "2026-12-31", "reason": "法规废止"}, content_type=JSON
    )
    assert response.json()["cancelled_on"] == "2026-12-31"


def test_published_version_cannot_be_submitted_again(item, bureau):
    editor = _as(staff(StaffRole.CATALOG_ADMIN, agency=bureau))
    response = editor.post(
        f"/api/v1/catalog/items/{item.impl_code}/versions/1/submit",
        {"change_note": "x"},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert ItemVersion.objects.get().status == ItemVersion.Status.PUBLISHED


def test_unknown_item_is_404():
    assert Client().get("/api/v1/catalog/items/NOPE").status_code == 404
