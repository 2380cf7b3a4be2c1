"""The workbench training page: lessons to study, marking them, the manager's gap list."""

import datetime as dt

import pytest
from django.test import Client

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, ServicePointFactory, county_region, staff
from tongban.catalog import actions as catalog_actions
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import principal_for_user
from tongban.training import actions
from tongban.training.models import Completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall_with_lesson():
    bureau = AgencyFactory(kind=Agency.Kind.APPROVAL_BUREAU)
    item = published_item(bureau)
    county = county_region()
    catalog_actions.delegate_item(
        principal_for_user(staff(StaffRole.PLATFORM_ADMIN)),
        item,
        region=county,
        handling_agency=AgencyFactory(region=county),
        effective_from=dt.date.today(),
    )
    lesson = actions.add_lesson(
        principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=bureau)),
        item,
        title="食品经营许可审查要点",
        body="现场核查……",
    )
    hall = ServicePointFactory(region=county)
    return hall, lesson


def test_clerk_marks_a_lesson_studied_with_htmx(hall_with_lesson):
    hall, lesson = hall_with_lesson
    clerk = staff(StaffRole.WINDOW_CLERK, service_point=hall)
    client = Client()
    client.force_login(clerk)
    page = client.get("/workbench/training/").content.decode()
    assert "食品经营许可审查要点" in page and "标记为已学习" in page
    response = client.post(f"/workbench/training/{lesson.pk}/done/", HTTP_HX_REQUEST="true")
    assert "已学习" in response.content.decode()
    assert Completion.objects.filter(user=clerk, lesson=lesson).exists()


def test_manager_sees_who_has_not_studied(hall_with_lesson):
    hall, _lesson = hall_with_lesson
    staff(StaffRole.WINDOW_CLERK, service_point=hall, full_name="赵窗口")
    manager = staff(StaffRole.HALL_MANAGER, service_point=hall, full_name="钱主任")
    client = Client()
    client.force_login(manager)
    page = client.get("/workbench/training/").content.decode()
    assert "尚未学习" in page and "赵窗口" in page


def test_applicant_cannot_open_training(hall_with_lesson):
    from tests.factories import applicant_account

    user, _ = applicant_account()
    client = Client()
    client.force_login(user)
    assert client.get("/workbench/training/").status_code == 403
