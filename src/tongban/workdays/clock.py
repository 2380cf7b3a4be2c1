"""The one deadline clock (办理时限): working days and office hours, pauses and extensions.

Everything here but :func:`calendar_for` and :func:`office_hours_for` is pure Python on an
immutable :class:`WorkCalendar` snapshot, so a deadline costs microseconds and no query.

Counting rules (行政许可法 Art. 42/45/82; 民法典 Art. 201):

* ``working_days``: the start day never counts; counting starts on the next working day.
  A pause covers the working days ``d`` with ``pause.start.date() < d <= pause.end.date()``
  (the clock ran on the day the pause began and starts again the working day after the
  resume day). Overlapping pauses count once; pauses before ``start`` are ignored. An
  extension adds working days. The due instant is the end of the due day, or the close of
  office hours that day when ``office_hours`` is given.
* ``working_hours``: office time on working days from ``start`` itself (or the next
  opening); pauses subtract the office time they cover; the due instant is exact.
* ``limit == 0`` (instant items): due at the end of the start day.

A year with no published schedule counts Monday–Friday, and a deadline touching it is
``estimated``.
"""

import datetime as dt
import threading
import time as _time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
UNITS = (WORKING_DAYS, WORKING_HOURS)

_END_OF_DAY = dt.time.max


@dataclass(frozen=True, slots=True)
class Pause:
    """An interval in which the clock does not run (补正 before acceptance, Art. 45 procedures)."""

    start: dt.datetime  # aware
    end: dt.datetime | None = None  # None: still paused


@dataclass(frozen=True, slots=True)
class Deadline:
    due: dt.datetime  # aware, in the local time zone
    due_date: dt.date
    estimated: bool  # some counted day lies in a year with no published schedule
    paused: bool  # an open pause: computed as if the clock resumed at ``now``


# --- the calendar ----------------------------------------------------------------------


def _weekdays_upto(ordinal: int) -> int:
    """How many Mondays–Fridays have an ordinal in 1..ordinal (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + (rest if rest < 5 else 5)


def _kth_weekday(k: int) -> int:
    """The ordinal of the k-th Monday–Friday (k ≥ 1) counted from ordinal 1."""
    weeks, rest = divmod(k - 1, 5)
    return 7 * weeks + rest + 1


MEMO_LIMIT = 100_000


class WorkCalendar:
    """Which days are worked: Monday–Friday with exceptions, and which years are published.

    Immutable once built. Queries are O(log n) in the number of exceptions: the count of
    working days up to a date is the Monday–Friday count plus the running sum of the
    exceptions' corrections, found by bisection. Answers are memoised per snapshot
    (bounded), since the same dates come up again and again.
    """

    __slots__ = (
        "_counts",
        "_cum",
        "_deadlines",
        "_f_at",
        "_nths",
        "_ords",
        "_overrides",
        "_published",
        "names",
    )

    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | Iterable[tuple[dt.date, bool]] = (),
        published_years: Iterable[int] = (),
        names: Mapping[dt.date, str] | None = None,
    ) -> None:
        items = overrides.items() if isinstance(overrides, Mapping) else overrides
        table: dict[int, bool] = {}
        for day, worked in items:
            ordinal = day.toordinal()
            # Only corrections to Monday–Friday matter for counting.
            if bool(worked) != (day.weekday() < 5):
                table[ordinal] = bool(worked)
            else:
                table.pop(ordinal, None)
        ords = sorted(table)
        cum, f_at, running = [], [], 0
        for ordinal in ords:
            running += 1 if table[ordinal] else -1
            cum.append(running)
            f_at.append(_weekdays_upto(ordinal) + running)
        self._overrides = table
        self._ords = ords
        self._cum = cum  # correction up to and including ords[i]
        self._f_at = f_at  # working days up to and including ords[i]
        self._published = frozenset(published_years)
        self.names = dict(names or {})
        self._counts: dict[int, int] = {}  # ordinal → working days up to it
        self._nths: dict[int, int] = {}  # count → first ordinal reaching it
        self._deadlines: dict[tuple, Deadline] = {}  # interned results of compute_deadline

    def __repr__(self) -> str:
        years = sorted(self._published)
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return f"<WorkCalendar {len(self._ords)} exceptions, published {span}>"

    # counting -------------------------------------------------------------------------

    def _count_upto(self, ordinal: int) -> int:
        """Working days with an ordinal ≤ ``ordinal``."""
        count = self._counts.get(ordinal)
        if count is None:
            index = bisect_right(self._ords, ordinal)
            count = _weekdays_upto(ordinal) + (self._cum[index - 1] if index else 0)
            if len(self._counts) >= MEMO_LIMIT:
                self._counts.clear()
            self._counts[ordinal] = count
        return count

    def _nth_ordinal(self, target: int) -> int:
        """The smallest ordinal up to which ``target`` working days have passed."""
        found = self._nths.get(target)
        if found is None:
            index = bisect_left(self._f_at, target)
            correction = self._cum[index - 1] if index else 0
            found = _kth_weekday(target - correction)
            if index < len(self._ords) and found >= self._ords[index]:
                found = self._ords[index]
            if len(self._nths) >= MEMO_LIMIT:
                self._nths.clear()
            self._nths[target] = found
        return found

    def is_workday(self, d: dt.date) -> bool:
        worked = self._overrides.get(d.toordinal())
        return d.weekday() < 5 if worked is None else worked

    def is_published(self, year: int) -> bool:
        return year in self._published

    @property
    def published_years(self) -> frozenset[int]:
        return self._published

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` never counts); ``start`` for n = 0."""
        if n <= 0:
            if n < 0:
                raise ValueError("n must not be negative")
            return start
        return dt.date.fromordinal(self._nth_ordinal(self._count_upto(start.toordinal()) + n))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days ``d`` with ``start < d <= end`` (negative when ``end < start``)."""
        return self._count_upto(end.toordinal()) - self._count_upto(start.toordinal())

    def next_workday(self, d: dt.date) -> dt.date:
        """``d`` itself if it is a working day, else the next one."""
        return d if self.is_workday(d) else self.add_working_days(d, 1)

    def estimated_between(self, first: dt.date, last: dt.date) -> bool:
        """Whether any year from ``first`` to ``last`` has no published schedule."""
        published = self._published
        if first.year == last.year:
            return first.year not in published
        return any(year not in published for year in range(first.year, last.year + 1))

    def exceptions(self, year: int) -> list[tuple[dt.date, bool, str]]:
        """This year's days that differ from Monday–Friday, with their names."""
        low = dt.date(year, 1, 1).toordinal()
        high = dt.date(year, 12, 31).toordinal()
        rows = []
        for ordinal in self._ords[bisect_left(self._ords, low) : bisect_right(self._ords, high)]:
            day = dt.date.fromordinal(ordinal)
            rows.append((day, self._overrides[ordinal], self.names.get(day, "")))
        return rows


# --- office hours ----------------------------------------------------------------------

Period = tuple[dt.time, dt.time]
DEFAULT_PERIODS: tuple[Period, ...] = (
    (dt.time(9), dt.time(12)),
    (dt.time(13, 30), dt.time(17, 30)),
)


class OfficeHours:
    """Opening periods per ISO weekday (1 = Monday … 7 = Sunday).

    A weekend make-up workday (调休上班) keeps the ordinary weekday hours: when a Saturday
    or Sunday has no periods of its own, those of the first weekday that has some are used.
    """

    __slots__ = ("_hash", "_ordinary", "_periods")

    def __init__(self, periods: Mapping[int, Iterable[Period]]) -> None:
        cleaned = {}
        for weekday in range(1, 8):
            spans = sorted((opens, closes) for opens, closes in periods.get(weekday, ()))
            if any(closes <= opens for opens, closes in spans):
                raise ValueError("a period must close after it opens")
            cleaned[weekday] = tuple(spans)
        self._periods = cleaned
        self._ordinary = next((cleaned[w] for w in range(1, 6) if cleaned[w]), DEFAULT_PERIODS)
        self._hash = hash(tuple(cleaned.items()))

    @classmethod
    def default(cls) -> "OfficeHours":
        return cls(dict.fromkeys(range(1, 6), DEFAULT_PERIODS))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OfficeHours) and self._periods == other._periods

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"<OfficeHours {self._periods}>"

    def periods(self, weekday: int) -> tuple[Period, ...]:
        """The periods of an ISO weekday as configured."""
        return self._periods[weekday]

    def periods_on(self, d: dt.date) -> tuple[Period, ...]:
        """The periods of a working day ``d`` (the calendar decides whether it is one)."""
        weekday = d.isoweekday()
        spans = self._periods[weekday]
        return spans if spans or weekday < 6 else self._ordinary

    def closing_time(self, d: dt.date) -> dt.time:
        """When the last period of ``d`` closes; the end of the day if it has none."""
        spans = self.periods_on(d)
        return spans[-1][1] if spans else _END_OF_DAY


DEFAULT_OFFICE_HOURS = OfficeHours.default()


def office_hours_for(service_point) -> OfficeHours:
    """A service point's opening periods (org.OpeningPeriod); 09:00–12:00, 13:30–17:30 if none."""
    if service_point is None:
        return DEFAULT_OFFICE_HOURS
    # Read on every deadline of a case: cached a few minutes (dropped here at once on a
    # change, see ``forget_office_hours``; other processes follow within the timeout).
    key = OFFICE_HOURS_KEY.format(pk=service_point.pk)
    cached = cache.get(key)
    if cached is not None:
        return cached
    periods: dict[int, list[Period]] = {}
    for period in service_point.opening_periods.all():
        periods.setdefault(period.weekday, []).append((period.opens, period.closes))
    hours = OfficeHours(periods) if periods else DEFAULT_OFFICE_HOURS
    cache.set(key, hours, OFFICE_HOURS_SECONDS)
    return hours


OFFICE_HOURS_KEY = "office-hours:{pk}"
OFFICE_HOURS_SECONDS = 300


def forget_office_hours(sender=None, instance=None, **_kwargs) -> None:
    """post_save / post_delete of an opening period."""
    if instance is not None:
        cache.delete(OFFICE_HOURS_KEY.format(pk=instance.service_point_id))


# --- deadlines -------------------------------------------------------------------------


def _local_zone():
    return timezone.get_default_timezone()


def _merged_day_spans(
    pauses: Sequence[Pause], start_ordinal: int, resume_ordinal: int, zone
) -> list[tuple[int, int]]:
    """Pauses as merged ``(after, through)`` day-ordinal spans: days after..through excluded."""
    spans = []
    for pause in pauses:
        first = pause.start.astimezone(zone).toordinal()
        last = pause.end.astimezone(zone).toordinal() if pause.end else resume_ordinal
        if first < start_ordinal:
            first = start_ordinal
        if last > first:
            spans.append((first, last))
    if len(spans) < 2:
        return spans
    spans.sort()
    merged = [spans[0]]
    for first, last in spans[1:]:
        if first <= merged[-1][1]:
            if last > merged[-1][1]:
                merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def compute_deadline(
    *,
    start: dt.datetime,
    limit: int,
    unit: str,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] = (),
    extension: int = 0,
    office_hours: OfficeHours | None = None,
    now: dt.datetime | None = None,
) -> Deadline:
    """When a time limit of ``limit`` (+ ``extension``) ``unit`` started at ``start`` runs out.

    This is the hot path of every case list: it works on day ordinals with the calendar's
    memo tables, and equal results are shared (a :class:`Deadline` is immutable).
    """
    if limit < 0 or extension < 0:
        raise ValueError("limit and extension must not be negative")
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    zone = timezone.get_default_timezone()
    local_start = start.astimezone(zone)
    open_pause = False
    if pauses:
        for pause in pauses:
            if pause.end is None:
                open_pause = True
                if now is None:
                    now = timezone.now()
                break
    if unit != WORKING_DAYS:
        if unit == WORKING_HOURS:
            return _hours_deadline(
                local_start, limit, extension, calendar, pauses, office_hours, now, zone, open_pause
            )
        raise ValueError(f"unknown unit {unit!r}")
    start_ordinal = local_start.toordinal()
    total = limit + extension
    if limit == 0 or total == 0:
        due_ordinal = start_ordinal
    else:
        # F(o) = working days up to ordinal o. The due day is the first ordinal where F
        # reaches F(start) + total + the working days the pauses cover before it.
        counts = calendar._counts
        base = counts.get(start_ordinal)
        if base is None:
            base = calendar._count_upto(start_ordinal)
        remaining = total
        if pauses:
            resume = now.astimezone(zone).toordinal() if open_pause else start_ordinal
            if len(pauses) == 1:  # the usual case, inlined
                pause = pauses[0]
                after = pause.start.astimezone(zone).toordinal()
                through = pause.end.astimezone(zone).toordinal() if pause.end else resume
                if after < start_ordinal:
                    after = start_ordinal
                spans = ((after, through),)
            else:
                spans = _merged_day_spans(pauses, start_ordinal, resume, zone)
            for after, through in spans:
                if through <= after:
                    continue
                available = (counts.get(after) or calendar._count_upto(after)) - base
                if available >= remaining:
                    break
                remaining -= available
                base = counts.get(through) or calendar._count_upto(through)
        target = base + remaining
        due_ordinal = calendar._nths.get(target) or calendar._nth_ordinal(target)
    hours = office_hours if limit else None
    key = (due_ordinal, local_start.year, hours, open_pause, zone)
    deadline = calendar._deadlines.get(key)
    if deadline is None:
        due_day = dt.date.fromordinal(due_ordinal)
        closes = hours.closing_time(due_day) if hours is not None else _END_OF_DAY
        deadline = Deadline(
            due=dt.datetime.combine(due_day, closes, zone),
            due_date=due_day,
            estimated=calendar.estimated_between(local_start.date(), due_day),
            paused=open_pause,
        )
        if len(calendar._deadlines) >= MEMO_LIMIT:
            calendar._deadlines.clear()
        calendar._deadlines[key] = deadline
    return deadline


def _hours_deadline(
    local_start: dt.datetime,
    limit: int,
    extension: int,
    calendar: WorkCalendar,
    pauses: Sequence[Pause],
    office_hours: OfficeHours | None,
    now: dt.datetime | None,
    zone,
    open_pause: bool,
) -> Deadline:
    start_day = local_start.date()
    if limit == 0:
        due = dt.datetime.combine(start_day, _END_OF_DAY, zone)
        return Deadline(
            due, start_day, calendar.estimated_between(start_day, start_day), open_pause
        )
    hours = office_hours or DEFAULT_OFFICE_HOURS
    blocked = sorted(
        (p.start, p.end if p.end is not None else max(now, p.start))
        for p in pauses
        if (p.end or now) > local_start
    )
    remaining = dt.timedelta(hours=limit + extension)
    day = start_day
    for _guard in range(100_000):
        if calendar.is_workday(day):
            for opens, closes in hours.periods_on(day):
                begin = max(dt.datetime.combine(day, opens, zone), local_start)
                end = dt.datetime.combine(day, closes, zone)
                for free_start, free_end in _subtract(begin, end, blocked):
                    if free_end - free_start >= remaining:
                        due = (free_start + remaining).astimezone(zone)
                        return Deadline(
                            due,
                            due.date(),
                            calendar.estimated_between(start_day, due.date()),
                            open_pause,
                        )
                    remaining -= free_end - free_start
        day += dt.timedelta(days=1)
    raise ValueError("no office time found: check the office hours")  # pragma: no cover


def _subtract(begin: dt.datetime, end: dt.datetime, blocked) -> Iterable[tuple]:
    """The parts of ``[begin, end)`` outside the sorted ``blocked`` intervals."""
    cursor = begin
    for block_start, block_end in blocked:
        if block_end <= cursor:
            continue
        if block_start >= end:
            break
        if block_start > cursor:
            yield cursor, block_start
        cursor = max(cursor, block_end)
        if cursor >= end:
            return
    if cursor < end:
        yield cursor, end


def remaining_working_days(deadline: Deadline, now: dt.datetime, calendar: WorkCalendar) -> int:
    """Working days left after today up to the due day; negative once overdue.

    Due today → 0. Overdue → minus the working days since the due day, at least -1.
    """
    today = now.astimezone(_local_zone()).date()
    if now > deadline.due:
        return -max(1, calendar.working_days_between(deadline.due_date, today))
    return calendar.working_days_between(today, deadline.due_date)


def warning_level(
    deadline: Deadline, now: dt.datetime, calendar: WorkCalendar, *, yellow: int = 2, red: int = 1
) -> str:
    """``green``, ``yellow`` (≤ ``yellow`` working days left), ``red`` (≤ ``red``) or ``overdue``."""
    if now > deadline.due:
        return "overdue"
    left = remaining_working_days(deadline, now, calendar)
    if left <= red:
        return "red"
    if left <= yellow:
        return "yellow"
    return "green"


# --- the per-process cache -------------------------------------------------------------

CHECK_SECONDS = 5.0
_lock = threading.Lock()
_cache: dict[int | None, WorkCalendar] = {}
_state = {"revision": None, "checked_at": 0.0, "always_check": False}


def invalidate(**_kwargs) -> None:
    """Forget every cached calendar (connected to the models' save and delete signals)."""
    from django.db import connection

    with _lock:
        _cache.clear()
        _state["revision"] = None
        # A change inside a transaction may be rolled back: keep checking the revision
        # on every call until a call is made outside any transaction.
        if connection.in_atomic_block:
            _state["always_check"] = True


def reset() -> None:
    """Forget everything, as a fresh process would (between tests: each test's changes
    are rolled back, so nothing needs to be re-checked on every call afterwards)."""
    with _lock:
        _cache.clear()
        _state.update(revision=None, checked_at=0.0, always_check=False)


def _revision() -> tuple:
    from django.db.models import Count, Max

    from .models import CalendarDay, ScheduleYear

    return tuple(
        tuple(model.objects.aggregate(Count("pk"), Max("pk"), Max("updated_at")).values())
        for model in (CalendarDay, ScheduleYear)
    )


def calendar_for(region=None) -> WorkCalendar:
    """The calendar of ``region`` (a Region, its id, or None for the whole city), cached.

    The cache notices admin edits: in this process at once (signals), in others within
    ``CHECK_SECONDS`` (a cheap revision query).
    """
    from django.db import connection

    region_id = getattr(region, "pk", region)
    moment = _time.monotonic()
    if _state["always_check"] or moment - _state["checked_at"] >= CHECK_SECONDS:
        revision = _revision()
        with _lock:
            if revision != _state["revision"]:
                _cache.clear()
                _state["revision"] = revision
            _state["checked_at"] = moment
            if not connection.in_atomic_block:
                _state["always_check"] = False
    calendar = _cache.get(region_id)
    if calendar is None:
        calendar = load_calendar(region_id)
        with _lock:
            _cache[region_id] = calendar
    return calendar


def region_chain(region_id: int | None) -> list[int | None]:
    """``[None, outermost ancestor, …, region]``: later entries override earlier ones."""
    if region_id is None:
        return [None]
    from tongban.org.models import Region

    chain: list[int | None] = []
    current = region_id
    seen = set()
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(current)
        current = Region.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return [None, *reversed(chain)]


def load_calendar(region_id: int | None = None) -> WorkCalendar:
    """Build a calendar from the database (uncached)."""
    from django.db.models import Q

    from .models import CalendarDay, ScheduleYear

    chain = region_chain(region_id)
    rank = {region: index for index, region in enumerate(chain)}
    regions = [r for r in chain if r is not None]
    where = Q(region__isnull=True) | Q(region_id__in=regions)
    rows = sorted(
        CalendarDay.objects.filter(where).values_list("region_id", "date", "is_workday", "name"),
        key=lambda row: rank[row[0]],
    )
    overrides, names = {}, {}
    for _region, day, worked, name in rows:
        overrides[day] = worked
        names[day] = name
    published = set(
        ScheduleYear.objects.filter(where, published=True).values_list("year", flat=True)
    )
    return WorkCalendar(overrides, published, names)
