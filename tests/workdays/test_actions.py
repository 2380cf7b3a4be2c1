"""Entering the calendar: days, years, schedule files; permissions, audit, regions, cache."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import AgencyFactory, county_region, staff
from tongban.core.models import AuditEntry
from tongban.org.models import StaffRole
from tongban.org.policy import ANONYMOUS, principal_for_user
from tongban.workdays import actions, clock
from tongban.workdays.models import CalendarDay, ScheduleYear

pytestmark = pytest.mark.django_db

D = dt.date
SCHEDULE_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,workday,春节调休上班
2027-10-01,holiday,国庆节
"""


@pytest.fixture
def admin():
    return principal_for_user(staff(StaffRole.PLATFORM_ADMIN))


@pytest.fixture
def clerk():
    return principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=AgencyFactory()))


def test_set_day_is_audited_and_seen_at_once(admin):
    calendar = clock.calendar_for()
    assert calendar.is_workday(D(2026, 6, 1))
    actions.set_day(admin, date=D(2026, 6, 1), is_workday=False, name="暴雨停办")
    assert not clock.calendar_for().is_workday(D(2026, 6, 1))
    entry = AuditEntry.objects.get(action="workdays.set_day")
    assert entry.changes["after"] == {"is_workday": False, "name": "暴雨停办"}
    assert entry.changes["before"] is None
    # Changing it again records the previous state.
    actions.set_day(admin, date=D(2026, 6, 1), is_workday=True, name="")
    last = AuditEntry.objects.filter(action="workdays.set_day").latest("sequence")
    assert last.changes["before"] == {"is_workday": False, "name": "暴雨停办"}
    assert actions.clear_day(admin, date=D(2026, 6, 1))
    assert not actions.clear_day(admin, date=D(2026, 6, 1))
    assert AuditEntry.objects.filter(action="workdays.clear_day").count() == 1


def test_only_platform_administrators_edit_the_calendar(clerk):
    for principal in (clerk, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            actions.set_day(principal, date=D(2026, 6, 1), is_workday=False, name="x")
        with pytest.raises(PermissionDenied):
            actions.publish_year(principal, 2027)
        with pytest.raises(PermissionDenied):
            actions.import_schedule(principal, SCHEDULE_2027.encode())
    assert not CalendarDay.objects.filter(date=D(2026, 6, 1)).exists()
    assert not ScheduleYear.objects.filter(year=2027).exists()


def test_a_region_closure_applies_to_it_and_below_only(admin):
    county = county_region()
    city = county.parent
    actions.set_day(admin, date=D(2026, 6, 2), is_workday=False, name="防汛停办", region=city)
    # A county reopens for that day.
    other = county_region("371403", "陵城区")
    actions.set_day(admin, date=D(2026, 6, 2), is_workday=True, name="", region=other)
    assert clock.calendar_for().is_workday(D(2026, 6, 2))
    assert not clock.calendar_for(city).is_workday(D(2026, 6, 2))
    assert not clock.calendar_for(county).is_workday(D(2026, 6, 2))
    assert clock.calendar_for(other.pk).is_workday(D(2026, 6, 2))
    # Every region still sees the national holidays.
    assert not clock.calendar_for(county).is_workday(D(2026, 10, 1))


def test_unpublished_years_for_the_banner(admin):
    assert actions.unpublished_years(D(2026, 11, 27)) == [2027]
    assert actions.unpublished_years(D(2025, 3, 1)) == []
    assert actions.unpublished_years(D(2027, 3, 1)) == [2027]
    assert actions.unpublished_years(D(2027, 9, 1)) == [2027, 2028]
    actions.publish_year(admin, 2027)
    assert actions.unpublished_years(D(2026, 11, 27)) == []
    assert actions.unpublished_years(D(2027, 12, 1)) == [2028]
    assert AuditEntry.objects.filter(action="workdays.publish_year").count() == 1


def test_import_a_csv_schedule_and_publish_the_year(admin):
    result = actions.import_schedule(admin, SCHEDULE_2027.encode(), publish_year=2027)
    assert (result.created, result.updated) == (4, 0)
    calendar = clock.calendar_for()
    assert calendar.is_published(2027)
    assert not calendar.is_workday(D(2027, 1, 1))
    assert calendar.is_workday(D(2027, 2, 7))  # a Sunday
    assert CalendarDay.objects.get(date=D(2027, 2, 7)).name == "春节调休上班"
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.changes["created"] == 4
    # Importing again updates instead of duplicating.
    again = actions.import_schedule(admin, io.BytesIO(SCHEDULE_2027.encode()))
    assert (again.created, again.updated) == (0, 4)


def test_import_reads_gbk_csv_chinese_headers_and_xlsx(admin):
    county = county_region()
    text = "日期,类型,名称,区划代码\n2027/01/01,休,元旦,\n20270207,班,春节调休上班,371402\n"
    result = actions.import_schedule(admin, text.encode("gbk"))
    assert [(d.date, d.is_workday, d.region) for d in result.days] == [
        (D(2027, 1, 1), False, None),
        (D(2027, 2, 7), True, county),
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["date", "kind", "name", "region"])
    sheet.append([dt.datetime(2027, 10, 1), "holiday", "国庆节", None])
    sheet.append(["2027-10-09", "workday", "国庆节调休上班", 371402])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = actions.import_schedule(admin, buffer.getvalue())
    assert [(d.date, d.region) for d in result.days] == [
        (D(2027, 10, 1), None),
        (D(2027, 10, 9), county),
    ]


def test_a_bad_file_imports_nothing_and_locates_every_problem(admin):
    before = CalendarDay.objects.count()
    text = (
        "date,kind,name,region\n"
        "2027-01-01,holiday,元旦,\n"
        "2027-13-01,holiday,坏日期,\n"
        ",workday,,\n"
        "2027-02-07,maybe,,\n"
        "2027-01-01,workday,重复,\n"
        "2027-05-01,holiday,劳动节,999999\n"
    )
    with pytest.raises(actions.ImportRejected) as rejected:
        actions.import_schedule(admin, text.encode(), publish_year=2027)
    located = [(e.row, e.column) for e in rejected.value.errors]
    assert located == [(3, "date"), (4, "date"), (5, "kind"), (6, "date"), (7, "region")]
    assert "2027-13-01" in rejected.value.errors[0].message
    assert CalendarDay.objects.count() == before
    assert not ScheduleYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action="workdays.import").exists()


def test_missing_columns_and_non_files_are_rejected(admin):
    with pytest.raises(actions.ImportRejected) as rejected:
        actions.import_schedule(admin, b"when,what\n2027-01-01,holiday\n")
    assert [(e.row, e.column) for e in rejected.value.errors] == [(1, "date"), (1, "kind")]
    with pytest.raises(actions.ImportRejected):
        actions.import_schedule(admin, b"PK\x03\x04 not really a zip")
    with pytest.raises(actions.ImportRejected):
        actions.import_schedule(admin, b"")
    with pytest.raises(actions.ImportRejected):
        actions.import_schedule(admin, b"date,kind,name\n")


def test_the_management_command(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    call_command("workdays", "import", str(path), "--publish-year", "2027")
    assert "imported 4 new" in capsys.readouterr().out
    assert ScheduleYear.objects.get(year=2027, region=None).published
    entry = AuditEntry.objects.get(action="workdays.import")
    assert entry.actor_role == "system"
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind\nsoon,holiday\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("workdays", "import", str(bad))
    assert "soon" in capsys.readouterr().err


def test_the_cache_notices_changes_made_elsewhere(admin, monkeypatch):
    clock._state["always_check"] = False
    calendar = clock.calendar_for()
    assert clock.calendar_for() is calendar
    # A change another process made: no signal here, but the revision moves.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2026, 6, 3), is_workday=False, name="停办")]
    )
    assert clock.calendar_for() is calendar  # checked at most every few seconds
    monkeypatch.setattr(clock, "CHECK_SECONDS", 0)
    fresh = clock.calendar_for()
    assert fresh is not calendar
    assert not fresh.is_workday(D(2026, 6, 3))
