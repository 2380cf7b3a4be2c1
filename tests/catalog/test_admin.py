"""Catalog admin: drafts editable, published versions read-only, actions do the moves."""

import pytest
from django.test import Client

from tests.catalog.factories import published_item
from tests.factories import UserFactory
from tongban.catalog import actions
from tongban.catalog.models import Item, ItemVersion
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True)


def test_published_version_is_read_only_in_the_admin(admin_user):
    item = published_item()
    client = Client()
    client.force_login(admin_user)
    version = item.versions.get()
    page = client.get(f"/admin/catalog/itemversion/{version.pk}/change/")
    assert page.status_code == 200
    assert b'name="name"' not in page.content  # rendered read-only
    response = client.post(f"/admin/catalog/itemversion/{version.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name == "食品经营许可"


def test_draft_is_editable_and_admin_actions_submit_it(admin_user):
    item = published_item()
    draft = actions.start_draft(principal_for_user(admin_user), item)
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/admin/catalog/itemversion/{draft.pk}/change/")
    assert b'name="name"' in page.content
    client.post(
        "/admin/catalog/itemversion/",
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.IN_REVIEW


def test_item_list_reads_names_without_a_query_per_row(admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    client = Client()
    client.force_login(admin_user)

    def queries_for_list(items: int) -> int:
        for number in range(items):
            published_item(
                agency, name=f"事项{number}", impl_code=f"CODE-{number}", situations=False
            )
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/admin/catalog/item/").content.decode()
        assert f"事项{items - 1}" in page
        return len(captured)

    few = queries_for_list(2)
    Item.objects.all().delete()
    assert queries_for_list(12) == few
