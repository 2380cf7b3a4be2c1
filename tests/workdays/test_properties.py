"""Properties of the calendar arithmetic and of the one deadline rule (hypothesis).

Pure Python: calendars are built from chinesecalendar directly or from random exceptions.
"""

import datetime as dt

import chinese_calendar
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tongban.workdays.clock import Pause, WorkCalendar, compute_deadline

from .conftest import at

REAL = WorkCalendar(
    {
        **dict.fromkeys(chinese_calendar.holidays, False),
        **dict.fromkeys(chinese_calendar.workdays, True),
    },
    published_years=range(2004, 2027),
)
days = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=400)
random_calendars = st.builds(
    WorkCalendar,
    st.dictionaries(
        st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2021, 12, 31)),
        st.booleans(),
        max_size=200,
    ),
    st.sets(st.integers(min_value=2018, max_value=2022)),
)
calendars = st.one_of(st.just(REAL), random_calendars)


def naive_add(calendar: WorkCalendar, start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= calendar.is_workday(day)
    return day


def moments(min_year=2018, max_year=2027):
    return st.builds(
        lambda day, hour, minute: at(day.year, day.month, day.day, hour, minute),
        st.dates(min_value=dt.date(min_year, 1, 1), max_value=dt.date(max_year, 12, 31)),
        st.integers(min_value=0, max_value=23),
        st.integers(min_value=0, max_value=59),
    )


@given(calendars, days, st.integers(min_value=1, max_value=400))
def test_the_nth_working_day_is_a_working_day_after_the_start(calendar, start, n):
    due = calendar.add_working_days(start, n)
    assert due > start
    assert calendar.is_workday(due)
    assert calendar.working_days_between(start, due) == n
    assert due == naive_add(calendar, start, n)


@given(calendars, days, counts)
def test_add_working_days_is_strictly_increasing(calendar, start, n):
    assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@given(calendars, days)
def test_zero_days_is_the_start_and_next_workday_is_the_first_on_or_after(calendar, start):
    assert calendar.add_working_days(start, 0) == start
    following = calendar.next_workday(start)
    assert calendar.is_workday(following)
    assert following == (start if calendar.is_workday(start) else naive_add(calendar, start, 1))


# The second day is drawn as an offset from the first: two free dates 800 days apart or
# less were too rare, and hypothesis failed its health check for filtering too much.
@given(calendars, days, st.integers(min_value=0, max_value=800))
def test_working_days_between_counts_each_working_day_once(calendar, low, span):
    high = low + dt.timedelta(days=span)
    expected = sum(
        calendar.is_workday(low + dt.timedelta(days=k)) for k in range(1, (high - low).days + 1)
    )
    assert calendar.working_days_between(low, high) == expected
    assert calendar.working_days_between(high, low) == -expected


@given(days, st.integers(min_value=0, max_value=60))
def test_real_schedule_agrees_with_chinesecalendar(start, n):
    assume(dt.date(2004, 1, 1) <= start and start.year <= 2026)
    due = REAL.add_working_days(start, n)
    assume(due.year <= 2026)
    assert REAL.is_workday(start) == chinese_calendar.is_workday(start)
    if n and chinese_calendar.is_workday(start):
        # chinesecalendar's find_workday counts from the next working day when the
        # start is a day off, so compare only from working days.
        assert due == chinese_calendar.find_workday(n, start)


@settings(max_examples=200)
@given(
    calendars,
    moments(),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=20),
    st.lists(st.tuples(st.integers(-10, 80), st.integers(0, 40), st.integers(0, 23)), max_size=3),
)
def test_a_pause_never_makes_the_deadline_earlier(calendar, start, limit, extension, raw):
    pauses = [
        Pause(
            start + dt.timedelta(days=offset), start + dt.timedelta(days=offset + length, hours=h)
        )
        for offset, length, h in raw
    ]
    plain = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, extension=extension
    )
    paused = compute_deadline(
        start=start,
        limit=limit,
        unit="working_days",
        calendar=calendar,
        extension=extension,
        pauses=pauses,
    )
    assert paused.due >= plain.due
    assert calendar.is_workday(paused.due_date)
    # Adding one more pause never makes it earlier either.
    if pauses:
        fewer = compute_deadline(
            start=start,
            limit=limit,
            unit="working_days",
            calendar=calendar,
            extension=extension,
            pauses=pauses[:-1],
        )
        assert paused.due >= fewer.due


@given(calendars, moments(), st.integers(min_value=0, max_value=60), st.integers(0, 30))
def test_an_extension_of_k_equals_a_limit_k_longer(calendar, start, limit, k):
    assume(limit > 0)
    extended = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, extension=k
    )
    longer = compute_deadline(start=start, limit=limit + k, unit="working_days", calendar=calendar)
    assert extended == longer
    assert extended.due_date == calendar.add_working_days(start.date(), limit + k)


@given(calendars, moments(), st.integers(min_value=1, max_value=40), st.integers(0, 60))
def test_a_pause_over_days_off_only_changes_nothing(calendar, start, limit, offset):
    # Find a run of days off and pause from the day before it to its last day.
    first = start.date() + dt.timedelta(days=offset)
    assume(not calendar.is_workday(first + dt.timedelta(days=1)))
    last = first + dt.timedelta(days=1)
    while not calendar.is_workday(last + dt.timedelta(days=1)):
        last += dt.timedelta(days=1)
    pause = Pause(
        at(first.year, first.month, first.day, 17), at(last.year, last.month, last.day, 9)
    )
    plain = compute_deadline(start=start, limit=limit, unit="working_days", calendar=calendar)
    paused = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, pauses=[pause]
    )
    assert paused == plain


@given(calendars, moments(), st.integers(1, 40), st.integers(0, 30), st.integers(0, 20))
def test_overlapping_pauses_count_once(calendar, start, limit, offset, length):
    pause = Pause(start + dt.timedelta(days=offset), start + dt.timedelta(days=offset + length))
    inner = Pause(pause.start + dt.timedelta(hours=1), pause.end)
    once = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, pauses=[pause]
    )
    twice = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, pauses=[pause, inner]
    )
    assert once == twice


@given(calendars, moments(), st.integers(1, 40), st.integers(1, 30))
def test_pauses_before_the_start_are_ignored(calendar, start, limit, back):
    early = Pause(start - dt.timedelta(days=back + 5), start - dt.timedelta(days=back))
    plain = compute_deadline(start=start, limit=limit, unit="working_days", calendar=calendar)
    assert plain == compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, pauses=[early]
    )


@given(calendars, moments(), st.integers(1, 40))
def test_a_paused_working_day_moves_the_deadline_by_exactly_that_day(calendar, start, limit):
    # Pause on the first working day after the start, resume the next day: the clock
    # loses the resume day if it is a working day.
    begin = start.date()
    resume = calendar.add_working_days(begin, 1)
    pause = Pause(
        at(begin.year, begin.month, begin.day, 23, 59), at(resume.year, resume.month, resume.day)
    )
    paused = compute_deadline(
        start=start, limit=limit, unit="working_days", calendar=calendar, pauses=[pause]
    )
    assert paused.due_date == calendar.add_working_days(begin, limit + 1)


@settings(max_examples=100)
@given(calendars, moments(2019, 2021), st.integers(1, 40), st.integers(0, 16))
def test_working_hours_deadlines_grow_with_the_limit(calendar, start, hours, more):
    first = compute_deadline(start=start, limit=hours, unit="working_hours", calendar=calendar)
    second = compute_deadline(
        start=start, limit=hours + more, unit="working_hours", calendar=calendar
    )
    assert start < first.due <= second.due
    assert calendar.is_workday(first.due_date)
