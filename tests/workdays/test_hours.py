"""Promises in working hours: office time on working days, exact instants."""

import datetime as dt

import pytest

from tests.factories import ServicePointFactory
from tongban.org.models import OpeningPeriod
from tongban.workdays.clock import (
    DEFAULT_OFFICE_HOURS,
    OfficeHours,
    Pause,
    compute_deadline,
    office_hours_for,
)

from .conftest import at

pytestmark = pytest.mark.django_db


def hours(start, limit, cal, **kwargs):
    return compute_deadline(start=start, limit=limit, unit="working_hours", calendar=cal, **kwargs)


def test_half_a_working_day_across_the_lunch_break(cal):
    # Tuesday 10:00: 2 h until 12:00, lunch, 2 h from 13:30.
    assert hours(at(2026, 3, 3, 10), 4, cal).due == at(2026, 3, 3, 15, 30)


def test_half_a_working_day_across_a_holiday(cal):
    # Wednesday 2026-09-30 15:00: 2.5 h that day, then 10-01..10-07 off, 10-08 09:00 + 1.5 h.
    deadline = hours(at(2026, 9, 30, 15), 4, cal)
    assert deadline.due == at(2026, 10, 8, 10, 30)
    assert deadline.due_date == dt.date(2026, 10, 8)
    assert not deadline.estimated


def test_outside_office_hours_counting_starts_at_the_next_opening(cal):
    assert hours(at(2026, 3, 3, 20), 1, cal).due == at(2026, 3, 4, 10)
    assert hours(at(2026, 3, 3, 12, 30), 1, cal).due == at(2026, 3, 3, 14, 30)
    # Friday evening → Monday.
    assert hours(at(2026, 3, 6, 18), 2, cal).due == at(2026, 3, 9, 11)


def test_a_weekend_make_up_day_keeps_weekday_hours(cal):
    # Friday 2026-10-09 17:00: 0.5 h, then Saturday 10-10 is a working day.
    assert hours(at(2026, 10, 9, 17), 2, cal).due == at(2026, 10, 10, 10, 30)


def test_pauses_subtract_the_office_time_they_cover(cal):
    pause = Pause(at(2026, 3, 3, 11), at(2026, 3, 3, 14))
    # 10:00–11:00 counts (1 h), paused until 14:00, then 3 h → 17:00.
    assert hours(at(2026, 3, 3, 10), 4, cal, pauses=[pause]).due == at(2026, 3, 3, 17)


def test_an_extension_adds_hours(cal):
    # The default office day is 7 h (09:00–12:00, 13:30–17:30).
    assert hours(at(2026, 3, 3, 9), 4, cal, extension=3).due == at(2026, 3, 3, 17, 30)
    assert hours(at(2026, 3, 3, 9), 4, cal, extension=4).due == at(2026, 3, 4, 10)


def test_a_service_points_own_opening_hours(cal):
    point = ServicePointFactory()
    for weekday in range(1, 6):
        OpeningPeriod.objects.create(
            service_point=point, weekday=weekday, opens=dt.time(8, 30), closes=dt.time(18)
        )
    OpeningPeriod.objects.create(
        service_point=point, weekday=6, opens=dt.time(9), closes=dt.time(12)
    )
    office = office_hours_for(point)
    assert office.periods(6) == ((dt.time(9), dt.time(12)),)
    assert hours(at(2026, 3, 3, 17), 4, cal, office_hours=office).due == at(2026, 3, 4, 11, 30)
    # A working-days deadline ends when the office closes that day.
    deadline = compute_deadline(
        start=at(2026, 3, 3), limit=1, unit="working_days", calendar=cal, office_hours=office
    )
    assert deadline.due == at(2026, 3, 4, 18)


def test_a_point_without_opening_hours_gets_the_default():
    assert office_hours_for(ServicePointFactory()) == DEFAULT_OFFICE_HOURS
    assert office_hours_for(None) == DEFAULT_OFFICE_HOURS
    with pytest.raises(ValueError):
        OfficeHours({1: [(dt.time(12), dt.time(9))]})


def test_bad_input_is_refused(cal):
    with pytest.raises(ValueError):
        hours(at(2026, 3, 3), -1, cal)
    with pytest.raises(ValueError):
        compute_deadline(start=at(2026, 3, 3), limit=1, unit="weeks", calendar=cal)
    with pytest.raises(ValueError):
        compute_deadline(start=dt.datetime(2026, 3, 3), limit=1, unit="working_days", calendar=cal)
