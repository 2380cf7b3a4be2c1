"""Training per item: lessons, studies recorded once, a hall manager sees who has not
studied the lessons of an item newly handed down to the hall's county."""

import datetime as dt

import pytest
from django.test import Client

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, ServicePointFactory, county_region, staff
from tongban.catalog import actions as catalog_actions
from tongban.core.models import AuditEntry
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import OutOfScope, principal_for_user
from tongban.training import actions
from tongban.training.models import Completion
from tongban.training.queries import study_gaps

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    bureau = AgencyFactory(kind=Agency.Kind.APPROVAL_BUREAU)
    item = published_item(bureau)
    county = county_region()
    county_bureau = AgencyFactory(region=county, kind=Agency.Kind.APPROVAL_BUREAU)
    hall = ServicePointFactory(region=county)
    catalog_admin = principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=bureau))
    catalog_actions.delegate_item(
        principal_for_user(staff(StaffRole.PLATFORM_ADMIN)),
        item,
        region=county,
        handling_agency=county_bureau,
        effective_from=dt.date.today(),
    )
    lesson = actions.add_lesson(catalog_admin, item, title="食品经营许可审查要点", body="……")
    return {
        "lesson": lesson,
        "hall": hall,
        "clerk": staff(StaffRole.WINDOW_CLERK, service_point=hall, username="c1"),
        "clerk2": staff(StaffRole.WINDOW_CLERK, service_point=hall, username="c2"),
        "manager": staff(StaffRole.HALL_MANAGER, service_point=hall, username="m1"),
    }


def test_manager_sees_who_has_not_studied(setting):
    actions.complete_lesson(principal_for_user(setting["clerk"]), setting["lesson"])
    gaps = study_gaps(setting["hall"])
    assert sorted(g.user.username for g in gaps) == ["c2", "m1"]


def test_study_is_recorded_once_and_audited(setting):
    clerk = principal_for_user(setting["clerk"])
    actions.complete_lesson(clerk, setting["lesson"])
    actions.complete_lesson(clerk, setting["lesson"])
    assert Completion.objects.count() == 1
    assert AuditEntry.objects.filter(action="training.complete").count() == 1


def test_clerk_cannot_add_lessons(setting):
    with pytest.raises(OutOfScope):
        actions.add_lesson(
            principal_for_user(setting["clerk"]), setting["lesson"].item, title="x", body="y"
        )


def test_api_lessons_done_and_gaps(setting):
    clerk, manager = Client(), Client()
    clerk.force_login(setting["clerk"])
    manager.force_login(setting["manager"])
    lesson_id = setting["lesson"].pk
    assert clerk.get("/api/v1/training/lessons").json()["items"][0]["done"] is False
    assert clerk.post(f"/api/v1/training/lessons/{lesson_id}/done").json()["done"] is True
    url = f"/api/v1/training/service-points/{setting['hall'].pk}/gaps"
    assert clerk.get(url).status_code == 403
    names = [gap["username"] for gap in manager.get(url).json()["items"]]
    assert sorted(names) == ["c2", "m1"]
