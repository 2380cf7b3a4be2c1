"""The admin pages, the import view, and the workbench banner for an unpublished year."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import AgencyFactory, staff
from tongban.core.models import AuditEntry
from tongban.org.models import StaffRole
from tongban.workdays import actions
from tongban.workdays.models import CalendarDay, ScheduleYear

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_lists_and_audited_edits(admin_client):
    assert admin_client.get("/admin/workdays/calendarday/").status_code == 200
    assert admin_client.get("/admin/workdays/scheduleyear/").status_code == 200
    response = admin_client.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2026-06-01", "is_workday": "", "name": "停办", "region": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not CalendarDay.objects.get(date=dt.date(2026, 6, 1)).is_workday
    assert AuditEntry.objects.filter(
        action="admin.add", object_type="workdays.calendarday"
    ).exists()


def test_import_view(admin_client):
    page = admin_client.get("/admin/workdays/calendarday/import/")
    assert page.status_code == 200
    bad = SimpleUploadedFile("bad.csv", b"date,kind,name\n2027-02-30,holiday,x\n")
    response = admin_client.post("/admin/workdays/calendarday/import/", {"file": bad})
    assert response.status_code == 200
    assert "2027-02-30" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    good = SimpleUploadedFile("2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n".encode())
    response = admin_client.post(
        "/admin/workdays/calendarday/import/", {"file": good, "publish_year": 2027}
    )
    assert response.status_code == 302
    assert ScheduleYear.objects.get(year=2027, region=None).published


def test_staff_without_the_role_cannot_edit_in_the_admin():
    user = staff(StaffRole.CATALOG_ADMIN, agency=AgencyFactory(), is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/workdays/calendarday/import/").status_code in (302, 403)


def test_the_workbench_shows_the_banner_until_next_year_is_entered():
    user = staff(StaffRole.PLATFORM_ADMIN)
    client = Client()
    client.force_login(user)
    with time_machine.travel(at(2026, 11, 27), tick=False):
        page = client.get("/workbench/", follow=True).content.decode()
        assert "2027 年的节假日安排尚未录入" in page
        actions.publish_year(actions.SYSTEM, 2027)
        page = client.get("/workbench/", follow=True).content.decode()
        assert "尚未录入" not in page
