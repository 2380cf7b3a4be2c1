"""``/api/v1/workdays``: the calendar and deadlines for everyone, days and years for admins."""

import datetime as dt

import pytest
from django.test import Client

from tests.factories import AgencyFactory, ServicePointFactory, county_region, staff
from tongban.core.models import AuditEntry
from tongban.org.models import OpeningPeriod, StaffRole
from tongban.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_calendar_of_a_published_year():
    body = Client().get("/api/v1/workdays/calendar", {"year": 2026}).json()
    assert body["published"] is True
    assert body["region"] is None
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-10-10"] == {
        "date": "2026-10-10",
        "is_workday": True,
        "name": "国庆节调休上班",
    }
    assert days["2026-10-01"]["name"] == "国庆节"
    assert "2026-10-03" not in days  # a Saturday off is not an exception


def test_calendar_of_an_unpublished_year_and_of_a_region():
    county = county_region()
    CalendarDay.objects.create(
        region=county, date=dt.date(2027, 3, 3), is_workday=False, name="停办"
    )
    body = Client().get("/api/v1/workdays/calendar", {"year": 2027, "region": "371402"}).json()
    assert body["published"] is False
    assert body["region"] == "371402"
    assert body["days"] == [{"date": "2027-03-03", "is_workday": False, "name": "停办"}]
    assert body["workdays"] == 260
    missing = Client().get(
        "/api/v1/workdays/calendar", {"year": 2027, "region": "999999"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "unknown_region"


def test_deadline_is_public():
    response = Client().get(
        "/api/v1/workdays/deadline",
        {"start": "2020-09-30T10:00:00+08:00", "limit": 5, "unit": "working_days"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_date"] == "2020-10-14"
    assert body["estimated"] is False
    assert body["paused"] is False
    # Naive times are local; an extension adds working days.
    body = (
        Client()
        .get("/api/v1/workdays/deadline", {"start": "2026-12-28T10:00", "limit": 3, "extension": 2})
        .json()
    )
    assert body["due_date"] == "2027-01-04"
    assert body["estimated"] is True


def test_deadline_in_hours_at_a_service_point():
    point = ServicePointFactory()
    OpeningPeriod.objects.create(
        service_point=point, weekday=2, opens=dt.time(8), closes=dt.time(12)
    )
    body = (
        Client()
        .get(
            "/api/v1/workdays/deadline",
            {
                "start": "2026-03-03T11:00:00+08:00",
                "limit": 2,
                "unit": "working_hours",
                "service_point": point.pk,
            },
        )
        .json()
    )
    # Tuesday 11:00–12:00, then next Tuesday 08:00 + 1 h (no other day has hours).
    assert body["due"].startswith("2026-03-10T09:00:00")


def test_deadline_refuses_bad_input():
    bad_unit = Client().get(
        "/api/v1/workdays/deadline", {"start": "2026-03-03T10:00", "limit": 1, "unit": "weeks"}
    )
    assert bad_unit.status_code == 400
    assert bad_unit.json()["code"] == "invalid_unit"
    negative = Client().get("/api/v1/workdays/deadline", {"start": "2026-03-03", "limit": -1})
    assert negative.status_code == 422
    unknown_point = Client().get(
        "/api/v1/workdays/deadline", {"start": "2026-03-03T10:00", "limit": 1, "service_point": 0}
    )
    assert unknown_point.status_code == 404


def test_admins_enter_days_and_publish_years():
    client = _as(staff(StaffRole.PLATFORM_ADMIN))
    response = client.post(
        "/api/v1/workdays/days",
        {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"date": "2027-01-01", "is_workday": False, "name": "元旦"}
    response = client.post(
        "/api/v1/workdays/years",
        {"year": 2027, "note": "国办发明电"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["published"] is True
    body = (
        Client().get("/api/v1/workdays/deadline", {"start": "2026-12-28T10:00", "limit": 5}).json()
    )
    assert (body["due_date"], body["estimated"]) == ("2027-01-05", False)
    assert AuditEntry.objects.filter(action__startswith="workdays.").count() == 2


def test_others_may_not_enter_days():
    clerk = staff(StaffRole.WINDOW_CLERK, agency=AgencyFactory())
    payload = {"date": "2027-01-01", "is_workday": False, "name": "元旦"}
    response = _as(clerk).post("/api/v1/workdays/days", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    anonymous = Client().post("/api/v1/workdays/days", payload, content_type="application/json")
    assert anonymous.status_code == 401
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 1)).exists()
