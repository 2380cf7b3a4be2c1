"""The legal clocks of a case, all computed by the one deadline function (workdays.clock).

- acceptance: 5 working days from submission to tell every gap (Art. 32); a supplement
  request pauses it.
- promised and statutory: from acceptance; special procedures pause them (Art. 45); an
  extension adds working days (Art. 42).
- the current review step's: each step of the version has a share of the promised limit;
  a step is due when the shares of the steps up to it are used up, counted from
  acceptance (a late step does not push the ones after it). The last step is due with the
  promise itself. This clock is internal: it warns the staff, the applicant never sees it.
"""

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone

from tongban.workdays.clock import (
    Deadline,
    Pause,
    calendar_for,
    compute_deadline,
    office_hours_for,
    warning_level,
)

from .models import OPEN_STATUSES, Case, CasePause, Status
from .steps import case_steps

STEP_STATUSES = {Status.IN_REVIEW, Status.ACCEPTED_TOLERANT}

ACCEPTANCE_DAYS = 5


def region_of(case: Case) -> int | None:
    """The region whose calendar counts the case's days: its service point's, else its
    deciding agency's (an id: ``calendar_for`` needs no Region row, so none is read)."""
    point_id = case.service_point_id or case.pickup_point_id
    if point_id is None:
        return case.deciding_agency.region_id
    point = case.service_point if case.service_point_id else case.pickup_point
    return point.region_id


def step_due_before_promise(case: Case) -> dt.datetime | None:
    """The current step's due time when it comes before the promise (otherwise the
    case's own deadline says it all)."""
    due, promised = case.step_due, case.promised_due
    if due is None or promised is None or due >= promised or case.status not in STEP_STATUSES:
        return None
    return due


def _pauses(case: Case, kind: str) -> list[Pause]:
    if not case.has_pauses:
        return []
    return [
        Pause(start=p.started_at, end=p.ended_at)
        for p in case.pauses.all()
        if p.kind == kind  # filtered in Python: pauses may be prefetched
    ]


def working_days_after(case: Case, start: dt.datetime, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` in the case's calendar (a post-check)."""
    due = compute_deadline(
        start=start,
        limit=days,
        unit="working_days",
        calendar=calendar_for(region_of(case)),
        now=start,
    ).due
    return timezone.localdate(due)


def thresholds() -> tuple[int, int]:
    yellow, red = getattr(settings, "TONGBAN_WARNING_DAYS", (2, 1))
    return int(yellow), int(red)


def recompute(case: Case, now: dt.datetime) -> None:
    """Set the case's deadlines from its limits, pauses and extension (not saved)."""
    calendar = calendar_for(region_of(case))
    estimated = False
    if case.submitted_at is not None and case.accepted_at is None:
        acceptance = compute_deadline(
            start=case.submitted_at,
            limit=ACCEPTANCE_DAYS,
            unit="working_days",
            calendar=calendar,
            pauses=_pauses(case, CasePause.Kind.SUPPLEMENT),
            now=now,
        )
        case.acceptance_due = acceptance.due
        estimated = acceptance.estimated
    if case.accepted_at is not None:
        hours = office_hours_for(case.service_point) if case.service_point else None
        special = _pauses(case, CasePause.Kind.SPECIAL_PROCEDURE)

        def from_acceptance(limit: int):
            return compute_deadline(
                start=case.accepted_at,
                limit=limit,
                unit=case.limit_unit,
                calendar=calendar,
                pauses=special,
                extension=case.extension_days,
                office_hours=hours,
                now=now,
            )

        promised = from_acceptance(case.promised_limit)
        statutory = from_acceptance(max(case.statutory_limit, case.promised_limit))
        case.promised_due = promised.due
        case.statutory_due = statutory.due
        estimated = promised.estimated or statutory.estimated
        case.step_due = _step_due(case, from_acceptance)
    case.due_estimated = estimated
    case.warning_level = level(case, now)


def _step_due(case: Case, from_acceptance) -> dt.datetime | None:
    if not case.step_kind or case.status not in STEP_STATUSES:
        return None
    steps = case_steps(case)
    if case.step_index >= len(steps) - 1:
        return case.promised_due
    share = sum(step.share for step in steps[: case.step_index + 1])
    if share >= 100 or case.promised_limit == 0:
        return case.promised_due
    return from_acceptance(max(1, math.ceil(case.promised_limit * share / 100))).due


def step_level(case: Case, now: dt.datetime) -> str:
    """green / yellow / red / overdue for the current step's share of the time."""
    if case.step_due is None or case.status not in STEP_STATUSES:
        return "green"
    return _level_of(case, case.step_due, now)


def _level_of(case: Case, due: dt.datetime, now: dt.datetime) -> str:
    yellow, red = thresholds()
    deadline = Deadline(due=due, due_date=due.date(), estimated=case.due_estimated, paused=False)
    return warning_level(deadline, now, calendar_for(region_of(case)), yellow=yellow, red=red)


def _current_due(case: Case) -> dt.datetime | None:
    if case.accepted_at is None:
        return case.acceptance_due
    return case.promised_due


def level(case: Case, now: dt.datetime) -> str:
    """green / yellow / red / overdue for the clock that matters now."""
    due = _current_due(case)
    if (
        due is None
        or case.status not in OPEN_STATUSES
        or case.status
        in {
            Status.RESULT_ISSUED,
            Status.SPECIAL_PROCEDURE,
            Status.NEEDS_SUPPLEMENT,
        }
    ):
        return "green"
    return _level_of(case, due, now)


def is_overdue(case: Case, now: dt.datetime) -> bool:
    due = _current_due(case)
    return due is not None and now > due
