"""Deadline computation in process: ``compute_deadline`` with a pause and an extension.

Workload: 50,000 cases started at random minutes over 2025–2026 (one published year, one
with its schedule entered), limits of 1–20 working days, each with one 补正 pause of one
to ten days and a third with a 10-day extension.

Baseline, in the same run: the obvious implementation, walking day by day and asking
``WorkCalendar.is_workday`` (the rule written as a loop), on the same cases.

Target (issue): ≥ 200,000 deadlines per second.
"""

import datetime as dt
import random
import time

from django.utils import timezone

from tongban.workdays.clock import Pause, calendar_for, compute_deadline

CASES = 50_000
ROUNDS = 3


def _cases():
    zone = timezone.get_default_timezone()
    rng = random.Random(20260101)
    origin = dt.datetime(2025, 1, 1, tzinfo=zone)
    cases = []
    for _ in range(CASES):
        start = origin + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        paused = start + dt.timedelta(hours=rng.randrange(1, 72))
        resumed = paused + dt.timedelta(hours=rng.randrange(24, 240))
        cases.append(
            (
                start,
                rng.choice((1, 3, 5, 10, 20)),
                (Pause(paused, resumed),),
                rng.choice((0, 0, 10)),
            )
        )
    return cases


def _naive(start, limit, pauses, extension, calendar, zone):
    """Day by day: skip days off and paused days until limit + extension have passed."""
    day = start.astimezone(zone).date()
    spans = [(p.start.astimezone(zone).date(), p.end.astimezone(zone).date()) for p in pauses]
    left = limit + extension
    while left:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day) and not any(a < day <= b for a, b in spans):
            left -= 1
    return day


def _rate(label, loop, cases) -> float:
    """The best of a few rounds of ``loop(cases)``, in cases per second."""
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        loop(cases)
        best = max(best, len(cases) / (time.perf_counter() - started))
    print(f"{label}: {best:.0f} per_s")
    return best


def run() -> None:
    calendar = calendar_for()
    zone = timezone.get_default_timezone()
    cases = _cases()

    def naive_loop(cases):
        for start, limit, pauses, extension in cases:
            _naive(start, limit, pauses, extension, calendar, zone)

    def compute_loop(cases):
        for start, limit, pauses, extension in cases:
            compute_deadline(
                start=start,
                limit=limit,
                unit="working_days",
                calendar=calendar,
                pauses=pauses,
                extension=extension,
            )

    for start, limit, pauses, extension in cases[:2000]:  # both give the same due dates
        assert compute_deadline(
            start=start,
            limit=limit,
            unit="working_days",
            calendar=calendar,
            pauses=pauses,
            extension=extension,
        ).due_date == _naive(start, limit, pauses, extension, calendar, zone)
    baseline = _rate("deadline_naive_loop", naive_loop, cases)
    rate = _rate("deadline_compute", compute_loop, cases)
    print(f"deadline_compute_vs_naive_loop: {rate / baseline:.1f} ratio")
    print(f"deadline_compute_target_met: {'yes' if rate >= 200_000 else 'no'} (>= 200000 per_s)")
