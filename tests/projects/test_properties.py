"""Properties of the working days a project uses (hypothesis, on the real 2026 calendar)."""

import datetime as dt

import chinese_calendar
from hypothesis import given
from hypothesis import strategies as st

from tongban.projects.timeline import paused_working_days, working_days_used
from tongban.workdays.clock import WorkCalendar

REAL = WorkCalendar(
    {
        **dict.fromkeys(chinese_calendar.holidays, False),
        **dict.fromkeys(chinese_calendar.workdays, True),
    },
    published_years=range(2004, 2027),
)
days = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2026, 12, 31))
pauses = st.lists(st.tuples(days, st.one_of(st.none(), days)), max_size=4)


def naive_used(start, end, spans):
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        covered = any(a < day <= (b or end) for a, b in spans)
        if REAL.is_workday(day) and not covered:
            count += 1
    return count


@given(days, days, pauses)
def test_used_days_are_never_negative_nor_above_the_calendar(start, end, spans):
    used = working_days_used(REAL, start, end, spans)
    assert 0 <= used <= max(0, REAL.working_days_between(start, end))


@given(days, days, pauses, st.tuples(days, st.one_of(st.none(), days)))
def test_a_further_pause_never_increases_the_days_used(start, end, spans, extra):
    assert working_days_used(REAL, start, end, [*spans, extra]) <= working_days_used(
        REAL, start, end, spans
    )


@given(days, days, pauses)
def test_used_plus_paused_is_the_working_days_of_the_period(start, end, spans):
    if end <= start:
        return
    assert working_days_used(REAL, start, end, spans) + paused_working_days(
        REAL, start, end, spans
    ) == REAL.working_days_between(start, end)


@given(days, days, pauses)
def test_agrees_with_counting_day_by_day(start, end, spans):
    assert working_days_used(REAL, start, end, spans) == naive_used(start, end, spans)
