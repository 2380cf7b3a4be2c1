"""Working days used per stage and in total, checked against hand-counted 2026 days.

The seeded calendar for autumn 2026: Mid-Autumn Festival Fri 09-25, National Day holiday
Thu 10-01 … Wed 10-07, make-up working days Sun 09-20 and Sat 10-10. The start day never counts; a pause covers the
working days after its first day through its last day.
"""

import pytest

from tongban.projects import actions
from tongban.projects.models import StageKind
from tongban.projects.timeline import GREEN, RED, YELLOW, project_timeline
from tongban.workdays import clock
from tongban.workdays.models import CalendarDay

from .conftest import at, p

STAGE1, STAGE2 = StageKind.APPROVAL_AND_LAND, StageKind.ENGINEERING


def test_the_seeded_calendar_is_the_one_counted(world):
    calendar = clock.calendar_for(world.county)
    assert not calendar.is_workday(at(2026, 10, 5).date())
    assert calendar.is_workday(at(2026, 9, 20).date())  # Sunday, make-up
    assert calendar.is_workday(at(2026, 10, 10).date())  # Saturday, make-up


def test_a_stage_across_national_day_without_pause(world):
    project = world.project()
    actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 30))
    # Counted: Oct 8, 9, 10 (Sat, make-up), 12 → 4.
    timeline = project_timeline(project, now=at(2026, 10, 12, 16))
    stage = timeline.stages[0]
    assert (stage.used, stage.paused, stage.limit, stage.remaining) == (4, 0, 20, 16)
    assert stage.level == GREEN
    # 20 working days from Sep 30: Oct 8, 9, 10, 12–16 (8), 19–23 (13), 26–30 (18), Nov 2, 3.
    assert stage.due_date == at(2026, 11, 3).date()


def test_a_pause_is_taken_out_and_the_stage_turns_red_at_twenty_percent(world):
    project = world.project()
    stage = actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 14))
    actions.pause_stage(p(world.land_staff), stage, reason="规划条件调整", at=at(2026, 9, 24))
    actions.resume_stage(p(world.land_staff), stage, at=at(2026, 10, 9))
    # Sep 14 → Oct 16: Sep 15–18 (4), Sep 20 (5), Sep 21–24 (9), [Sep 25 Mid-Autumn],
    # Sep 28–30 (12), Oct 8, 9 (14), Oct 10 (15), Oct 12–16 (20) = 20 working days.
    # The pause covers Sep 28, 29, 30, Oct 8, 9 = 5. Used 15 of 20: 5 left = 25 % → yellow.
    time = project_timeline(project, now=at(2026, 10, 16, 15)).stages[0]
    assert (time.used, time.paused, time.remaining) == (15, 5, 5)
    assert time.level == YELLOW
    # Due: 9 days up to Sep 24, then Oct 10, 12–16, 19–23 → Fri Oct 23.
    assert time.due_date == at(2026, 10, 23).date()
    # Mon Oct 19: used 16, 4 left = 20 % → red.
    later = project_timeline(project, now=at(2026, 10, 19, 15)).stages[0]
    assert (later.used, later.remaining, later.level) == (16, 4, RED)


def test_an_open_pause_stops_the_clock_until_now(world):
    project = world.project()
    stage = actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 30))
    actions.pause_stage(p(world.bureau_staff), stage, reason="补充材料", at=at(2026, 10, 8))
    # Only Oct 8 (the pause's first day) counts; Oct 9–16 are paused.
    time = project_timeline(project, now=at(2026, 10, 16)).stages[0]
    assert (time.used, time.paused, time.status) == (1, 7, "paused")


def test_main_and_whole_process_add_up_the_stages(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    stage1 = actions.start_stage(bureau, project, STAGE1, at=at(2026, 9, 14))
    actions.pause_stage(bureau, stage1, reason="规划条件调整", at=at(2026, 9, 24))
    actions.resume_stage(bureau, stage1, at=at(2026, 10, 9))
    actions.complete_stage(bureau, stage1, at=at(2026, 10, 16, 17))  # 15 days, as above
    actions.start_stage(bureau, project, STAGE2, at=at(2026, 10, 19))
    # Stage 2 from Mon Oct 19 to Fri Oct 30: Oct 20–23 (4) + Oct 26–30 (5) = 9.
    timeline = project_timeline(project, now=at(2026, 10, 30, 16))
    first, second = timeline.stages
    assert (first.used, first.level, first.status) == (15, GREEN, "completed")
    assert (second.used, second.limit, second.remaining) == (9, 15, 6)
    assert second.level == YELLOW  # 6 of 15 left = 40 %
    # The weekend between the stages (Oct 17, 18) is nobody's time anyway; the main
    # process is 15 + 9 = 24 of 45 (21 left = 47 %: green), the whole 24 of 90.
    assert (timeline.main_process.used, timeline.main_process.remaining) == (24, 21)
    assert timeline.main_process.level == GREEN
    assert (timeline.whole_process.used, timeline.whole_process.limit) == (24, 90)
    assert timeline.level == YELLOW
    assert timeline.estimated is False


def test_the_main_process_turns_red_when_at_risk(world):
    world.category.main_process_limit = 28
    world.category.save()
    project = world.project()
    bureau = p(world.bureau_staff)
    stage1 = actions.start_stage(bureau, project, STAGE1, at=at(2026, 9, 14))
    actions.complete_stage(bureau, stage1, at=at(2026, 10, 19))  # 20 + Oct 19 = 21 days
    actions.start_stage(bureau, project, STAGE2, at=at(2026, 10, 20))
    timeline = project_timeline(project, now=at(2026, 10, 22))  # + Oct 21, 22 = 23 of 28
    assert [t.used for t in timeline.stages] == [21, 2]
    assert timeline.main_process.used == 23
    assert timeline.main_process.level == RED  # 5 left ≤ 20 % of 28
    assert timeline.stages[0].level == RED  # 21 > 20: the finished stage overran


def test_the_project_region_calendar_is_used(world):
    """A county's own closure day is not counted for a project in that county."""
    project = world.project()
    actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 30))
    CalendarDay.objects.create(
        region=world.county, date=at(2026, 10, 12).date(), is_workday=False, name="停电闭厅"
    )
    assert project_timeline(project, now=at(2026, 10, 12, 16)).stages[0].used == 3


def test_a_stage_not_started_is_not_in_the_timeline(world):
    project = world.project()
    timeline = project_timeline(project, now=at(2026, 10, 12))
    assert timeline.stages == []
    assert (timeline.main_process.used, timeline.whole_process.remaining) == (0, 90)


@pytest.mark.parametrize(
    ("used", "limit", "level"),
    [
        (0, 20, GREEN),
        (11, 20, GREEN),
        (12, 20, YELLOW),
        (16, 20, RED),
        (21, 20, RED),
        (0, 0, GREEN),
    ],
)
def test_levels(used, limit, level):
    from tongban.projects.timeline import level_for

    assert level_for(used, limit, red_percent=20, yellow_percent=40) == level
