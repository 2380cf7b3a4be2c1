"""How long a project has taken, per stage and in total, against its limits.

Counting follows the case clock (``tongban.workdays.clock``): the start day never counts,
and a pause covers the working days ``d`` with ``pause start day < d <= resume day`` (the
clock ran on the day the pause began and runs again the working day after the resume
day). The calendar is that of the project's region (``calendar_for``).

The main process (stages 1–3) and the whole process (stages 1–4) count the working days
of their stages, added up: the time between stages is the builder's, not the
government's, and is not charged to the limits.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from tongban.workdays.clock import WORKING_DAYS, Pause, WorkCalendar, calendar_for, compute_deadline

from .models import MAIN_PROCESS_STAGES, Project, ProjectStage, StageStatus

GREEN, YELLOW, RED = "green", "yellow", "red"
# Used when a category leaves its own thresholds empty (0): percent of the limit left.
DEFAULT_RED_PERCENT = 20
DEFAULT_YELLOW_PERCENT = 40


# --- pure arithmetic ---------------------------------------------------------------------


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    ordered = sorted((a, b) for a, b in spans if b > a)
    merged: list[tuple[int, int]] = []
    for first, last in ordered:
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def paused_working_days(
    calendar: WorkCalendar,
    start: dt.date,
    end: dt.date,
    pauses: Sequence[tuple[dt.date, dt.date | None]],
) -> int:
    """Working days in ``(start, end]`` that some pause covers; an open pause runs to ``end``."""
    spans = []
    for paused_on, resumed_on in pauses:
        after = max(paused_on, start).toordinal()
        through = min(resumed_on or end, end).toordinal()
        spans.append((after, through))
    return sum(
        calendar.working_days_between(dt.date.fromordinal(a), dt.date.fromordinal(b))
        for a, b in _merged(spans)
    )


def working_days_used(
    calendar: WorkCalendar,
    start: dt.date,
    end: dt.date,
    pauses: Sequence[tuple[dt.date, dt.date | None]] = (),
) -> int:
    """Working days in ``(start, end]`` not covered by a pause; 0 when ``end <= start``."""
    if end <= start:
        return 0
    return calendar.working_days_between(start, end) - paused_working_days(
        calendar, start, end, pauses
    )


def level_for(used: int, limit: int, *, red_percent: int, yellow_percent: int) -> str:
    """``red`` when the limit is exceeded or at most ``red_percent`` % of it is left."""
    if limit <= 0:
        return GREEN if used <= 0 else RED
    left = limit - used
    if left < 0 or left * 100 <= limit * red_percent:
        return RED
    if left * 100 <= limit * yellow_percent:
        return YELLOW
    return GREEN


def _finished_level(used: int, limit: int) -> str:
    """A finished stage is only judged by whether it kept its limit."""
    return GREEN if used <= limit else RED


# --- per project ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageTime:
    stage: str
    status: str
    limit: int
    used: int
    paused: int  # working days the pauses took out
    remaining: int  # negative when the limit is exceeded
    due_date: dt.date | None  # when the limit runs out, pauses included (open pause: as of now)
    level: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class ProcessTime:
    limit: int
    used: int
    remaining: int
    level: str


@dataclass(frozen=True)
class Timeline:
    stages: list[StageTime]
    main_process: ProcessTime
    whole_process: ProcessTime
    estimated: bool  # some counted day lies in a year with no published schedule
    level: str  # the worst of the above


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def stage_time(
    stage: ProjectStage,
    calendar: WorkCalendar,
    now: dt.datetime,
    *,
    red_percent: int = DEFAULT_RED_PERCENT,
    yellow_percent: int = DEFAULT_YELLOW_PERCENT,
) -> StageTime:
    if stage.started_at is None:
        return StageTime(
            stage.stage,
            stage.status,
            stage.limit_days,
            0,
            0,
            stage.limit_days,
            None,
            GREEN,
            None,
            None,
        )
    start = _local_date(stage.started_at)
    end = _local_date(stage.completed_at or now)
    pauses = list(stage.pauses.all())
    spans = [
        (_local_date(p.started_at), _local_date(p.ended_at) if p.ended_at else None) for p in pauses
    ]
    paused = paused_working_days(calendar, start, end, spans) if end > start else 0
    used = working_days_used(calendar, start, end, spans)
    due = compute_deadline(
        start=stage.started_at,
        limit=stage.limit_days,
        unit=WORKING_DAYS,
        calendar=calendar,
        pauses=[Pause(p.started_at, p.ended_at) for p in pauses],
        now=now,
    )
    if stage.status == StageStatus.COMPLETED:
        level = _finished_level(used, stage.limit_days)
    else:
        level = level_for(
            used, stage.limit_days, red_percent=red_percent, yellow_percent=yellow_percent
        )
    return StageTime(
        stage=stage.stage,
        status=stage.status,
        limit=stage.limit_days,
        used=used,
        paused=paused,
        remaining=stage.limit_days - used,
        due_date=due.due_date,
        level=level,
        started_at=stage.started_at,
        completed_at=stage.completed_at,
    )


_RANK = {GREEN: 0, YELLOW: 1, RED: 2}


def _process(
    times: list[StageTime], limit: int, done: bool, red_percent: int, yellow_percent: int
) -> ProcessTime:
    used = sum(t.used for t in times)
    if done:
        level = _finished_level(used, limit)
    else:
        level = level_for(used, limit, red_percent=red_percent, yellow_percent=yellow_percent)
    return ProcessTime(limit=limit, used=used, remaining=limit - used, level=level)


def project_timeline(project: Project, now: dt.datetime | None = None) -> Timeline:
    """The project's time per stage and in total, as of ``now``."""
    now = now or timezone.now()
    category = project.category
    red = category.red_percent or DEFAULT_RED_PERCENT
    yellow = category.yellow_percent or DEFAULT_YELLOW_PERCENT
    calendar = calendar_for(project.region_id)
    stages = sorted(
        (s for s in project.stages.all() if s.started_at is not None), key=lambda s: s.order
    )
    times = [stage_time(s, calendar, now, red_percent=red, yellow_percent=yellow) for s in stages]
    main = [t for t in times if t.stage in MAIN_PROCESS_STAGES]
    main_done = len(main) == len(MAIN_PROCESS_STAGES) and all(
        t.status == StageStatus.COMPLETED for t in main
    )
    whole_done = len(times) == len(ProjectStage._meta.get_field("stage").choices) and all(
        t.status == StageStatus.COMPLETED for t in times
    )
    main_process = _process(main, category.main_process_limit, main_done, red, yellow)
    whole_process = _process(times, category.whole_process_limit, whole_done, red, yellow)
    estimated = bool(times) and calendar.estimated_between(
        _local_date(times[0].started_at), _local_date(now)
    )
    worst = max(
        [t.level for t in times] + [main_process.level, whole_process.level], key=_RANK.__getitem__
    )
    return Timeline(times, main_process, whole_process, estimated, worst)
