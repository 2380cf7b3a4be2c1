"""Catalog work in the workbench: review with the diff, publish (not one's own draft),
send back, cancel and hand down — each through the catalog actions, audited."""

import datetime as dt

import pytest
from django.test import Client

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, ServicePointFactory, county_region, staff
from tongban.catalog import actions
from tongban.catalog.models import ItemVersion
from tongban.core.models import AuditEntry
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    bureau = AgencyFactory(kind=Agency.Kind.APPROVAL_BUREAU, name="市行政审批服务局")
    item = published_item(bureau)
    author = staff(StaffRole.CATALOG_ADMIN, agency=bureau, username="author")
    reviewer = staff(StaffRole.CATALOG_ADMIN, agency=bureau, username="reviewer")
    draft = actions.start_draft(principal_for_user(author), item)
    draft.promised_limit = 3
    draft.save()
    return {"item": item, "draft": draft, "author": author, "reviewer": reviewer}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_catalog_admin_lands_on_the_catalog_page(setting):
    response = _client(setting["author"]).get("/after-login/")
    assert response["Location"] == "/workbench/catalog/"


def test_review_flow_through_the_pages(setting):
    draft = setting["draft"]
    author, reviewer = _client(setting["author"]), _client(setting["reviewer"])
    page = author.get(f"/workbench/catalog/versions/{draft.pk}/").content.decode()
    assert "promised_limit" in page and "5" in page and "3" in page  # the diff
    author.post(
        f"/workbench/catalog/versions/{draft.pk}/",
        {"decision": "submit", "change_note": "压缩时限"},
    )
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.IN_REVIEW
    listing = reviewer.get("/workbench/catalog/").content.decode()
    assert "等待审核" in listing or "Waiting for review" in listing
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    refused = author.post(
        f"/workbench/catalog/versions/{draft.pk}/",
        {"decision": "publish", "effective_from": tomorrow},
        follow=True,
    )
    assert refused.status_code in (200, 403)
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.IN_REVIEW
    reviewer.post(
        f"/workbench/catalog/versions/{draft.pk}/",
        {"decision": "publish", "effective_from": tomorrow},
    )
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="catalog.publish", actor_label="reviewer").exists()


def test_bad_date_and_empty_reason_are_refused_with_a_message(setting):
    draft = setting["draft"]
    actions.submit_for_review(principal_for_user(setting["author"]), draft, change_note="x")
    reviewer = _client(setting["reviewer"])
    response = reviewer.post(
        f"/workbench/catalog/versions/{draft.pk}/",
        {"decision": "publish", "effective_from": "明天"},
        follow=True,
    )
    assert "YYYY-MM-DD" in response.content.decode()
    response = reviewer.post(
        f"/workbench/catalog/versions/{draft.pk}/",
        {"decision": "send_back", "reason": " "},
        follow=True,
    )
    assert "理由" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.IN_REVIEW


def test_cancel_and_hand_down_from_the_item_page(setting):
    item = setting["item"]
    county = county_region()
    county_bureau = AgencyFactory(region=county, kind=Agency.Kind.APPROVAL_BUREAU)
    reviewer = _client(setting["reviewer"])
    url = f"/workbench/catalog/items/{item.impl_code}/"
    reviewer.post(
        url,
        {
            "operation": "delegate",
            "region": county.code,
            "agency": county_bureau.pk,
            "effective_from": dt.date.today().isoformat(),
        },
    )
    assert item.delegations.filter(handling_agency=county_bureau).exists()
    reviewer.post(url, {"operation": "cancel", "on": "2026-12-31", "reason": "法规废止"})
    item.refresh_from_db()
    assert item.cancelled_on == dt.date(2026, 12, 31)


def test_clerk_cannot_open_the_catalog_pages(setting):
    clerk = staff(StaffRole.WINDOW_CLERK, service_point=ServicePointFactory())
    assert _client(clerk).get("/workbench/catalog/").status_code == 403


def test_catalog_admin_of_another_agency_does_not_see_the_item(setting):
    outsider = staff(StaffRole.CATALOG_ADMIN, agency=AgencyFactory())
    client = _client(outsider)
    assert client.get(f"/workbench/catalog/items/{setting['item'].impl_code}/").status_code == 404
