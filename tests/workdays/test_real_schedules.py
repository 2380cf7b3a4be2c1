"""The seeded calendar on real State Council schedules, and a year nobody has entered yet."""

import datetime as dt

import chinese_calendar
import pytest
import time_machine

from tests.factories import staff
from tongban.org.models import StaffRole
from tongban.org.policy import principal_for_user
from tongban.workdays import actions, clock
from tongban.workdays.clock import Pause, compute_deadline
from tongban.workdays.models import CalendarDay, ScheduleYear

from .conftest import at

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_seed_matches_chinesecalendar_every_day_2004_to_2026(cal):
    day = D(2004, 1, 1)
    mismatches = []
    while day <= D(2026, 12, 31):
        if cal.is_workday(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += dt.timedelta(days=1)
    assert mismatches == []
    assert all(cal.is_published(year) for year in range(2004, 2027))
    assert not cal.is_published(2027)
    assert cal.working_days_between(D(2019, 12, 31), D(2020, 12, 31)) == 249


def test_the_seed_names_holidays_in_chinese():
    assert CalendarDay.objects.get(date=D(2026, 10, 1), region=None).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2020, 1, 31), region=None).name == "春节"
    assert CalendarDay.objects.get(date=D(2026, 10, 10), region=None).name == "国庆节调休上班"
    assert ScheduleYear.objects.get(year=2026, region=None).source == "chinesecalendar 1.11"


def test_2020_spring_festival_extension(cal):
    # 2020-01-24..30 was the announced holiday; 01-31..02-02 were added in January 2020.
    for day in (D(2020, 1, 31), D(2020, 2, 1), D(2020, 2, 2)):
        assert not cal.is_workday(day)
    assert cal.is_workday(D(2020, 1, 19))  # Sunday make-up workday
    assert cal.add_working_days(D(2020, 1, 18), 1) == D(2020, 1, 19)
    assert cal.add_working_days(D(2020, 1, 23), 1) == D(2020, 2, 3)
    deadline = compute_deadline(start=at(2020, 1, 20), limit=5, unit="working_days", calendar=cal)
    # 01-21, 01-22, 01-23, then nothing until Monday 02-03 and 02-04.
    assert deadline.due_date == D(2020, 2, 4)
    assert deadline.due == at(2020, 2, 4, 23, 59).replace(second=59, microsecond=999999)
    assert not deadline.estimated


def test_national_day_2020_with_the_saturday_make_up_day(cal):
    assert cal.add_working_days(D(2020, 9, 30), 5) == D(2020, 10, 14)


def test_2026_national_day_and_the_saturday_october_10(cal):
    assert cal.is_workday(D(2026, 10, 10))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    deadline = compute_deadline(start=at(2026, 9, 29), limit=20, unit="working_days", calendar=cal)
    # 09-30, 10-08, 10-09, 10-10 (Sat) = 4; three full weeks = 19; Monday 11-02 = 20.
    assert deadline.due_date == D(2026, 11, 2)
    assert not deadline.estimated


def test_a_pause_during_national_day_only_costs_the_working_days_it_covers(cal):
    # Paused on 09-29 (the clock ran that day), resumed 10-09: 09-30, 10-08, 10-09 are lost.
    deadline = compute_deadline(
        start=at(2026, 9, 28),
        limit=5,
        unit="working_days",
        calendar=cal,
        pauses=[Pause(at(2026, 9, 29, 15), at(2026, 10, 9, 9))],
    )
    # Counted: 09-29, then 10-10 (Sat), 10-12, 10-13, 10-14.
    assert deadline.due_date == D(2026, 10, 14)


def test_an_open_pause_is_computed_as_if_resumed_now(cal):
    deadline = compute_deadline(
        start=at(2026, 3, 2),
        limit=3,
        unit="working_days",
        calendar=cal,
        pauses=[Pause(at(2026, 3, 3), None)],
        now=at(2026, 3, 10),
    )
    # Counted 03-03; 03-04..03-10 paused; then 03-11, 03-12.
    assert deadline.paused
    assert deadline.due_date == D(2026, 3, 12)


def test_an_instant_item_is_due_at_the_end_of_the_start_day(cal):
    deadline = compute_deadline(start=at(2026, 10, 3), limit=0, unit="working_days", calendar=cal)
    assert deadline.due_date == D(2026, 10, 3)
    assert deadline.due.time() == dt.time.max


def test_a_year_end_into_an_unpublished_year_is_estimated_until_entered(cal):
    start = at(2026, 12, 28)
    before = compute_deadline(start=start, limit=5, unit="working_days", calendar=cal)
    # 12-29, 12-30, 12-31, then Monday–Friday: 2027-01-01 (a Friday) counts.
    assert before.due_date == D(2027, 1, 4)
    assert before.estimated
    inside = compute_deadline(start=start, limit=3, unit="working_days", calendar=cal)
    assert inside.due_date == D(2026, 12, 31)
    assert not inside.estimated

    admin = principal_for_user(staff(StaffRole.PLATFORM_ADMIN))
    actions.set_day(admin, date=D(2027, 1, 1), is_workday=False, name="元旦")
    actions.publish_year(admin, 2027, note="国办发明电〔2026〕")
    after = compute_deadline(
        start=start, limit=5, unit="working_days", calendar=clock.calendar_for()
    )
    assert after.due_date == D(2027, 1, 5)
    assert not after.estimated


def test_remaining_days_and_warning_levels(cal):
    deadline = compute_deadline(start=at(2026, 9, 28), limit=5, unit="working_days", calendar=cal)
    assert deadline.due_date == D(2026, 10, 10)
    remaining = clock.remaining_working_days
    level = clock.warning_level
    # Left after 09-29: 09-30, 10-08, 10-09, 10-10.
    assert remaining(deadline, at(2026, 9, 29), cal) == 4
    assert level(deadline, at(2026, 9, 29), cal) == "green"
    assert remaining(deadline, at(2026, 10, 3), cal) == 3  # a holiday: 10-08, 10-09, 10-10
    assert level(deadline, at(2026, 10, 8), cal) == "yellow"  # 10-09, 10-10 left
    assert level(deadline, at(2026, 10, 9), cal) == "red"
    assert remaining(deadline, at(2026, 10, 10, 16), cal) == 0
    assert level(deadline, at(2026, 10, 10, 16), cal) == "red"
    assert remaining(deadline, at(2026, 10, 11), cal) == -1  # Sunday: overdue all the same
    assert level(deadline, at(2026, 10, 11), cal) == "overdue"
    assert remaining(deadline, at(2026, 10, 14), cal) == -3  # 10-12, 10-13, 10-14


def test_a_frozen_today_sees_the_deadline_of_now(cal):
    with time_machine.travel(at(2026, 3, 10, 12), tick=False):
        deadline = compute_deadline(
            start=at(2026, 3, 2),
            limit=3,
            unit="working_days",
            calendar=cal,
            pauses=[Pause(at(2026, 3, 3), None)],
        )
    assert deadline.paused
    assert deadline.due_date == D(2026, 3, 12)
