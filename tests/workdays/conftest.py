"""Fixtures for the working-day calendar: a fresh cache per test, the seeded calendar."""

import datetime as dt

import pytest
from django.utils import timezone

from tongban.workdays import clock


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clock.invalidate()
    clock._state["always_check"] = True
    yield
    clock.invalidate()


@pytest.fixture
def cal(db):
    """The city-wide calendar as seeded from chinesecalendar (2004–2026)."""
    return clock.calendar_for()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """An aware local (Asia/Shanghai) datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())
