"""A demo construction project through the real actions: a social-investment plant in a
demo industrial park that reuses the park's environmental assessment, three stages
completed (one paused for a while) and completion acceptance under way.

The demo loader calls :func:`load_demo_project` with the city's region and agencies.
Loading twice changes nothing.
"""

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from tongban.org.models import Agency, Applicant, Region, User
from tongban.org.policy import SYSTEM, principal_for_user
from tongban.workdays.clock import calendar_for

from . import actions, services
from .models import (
    AssessmentKind,
    IndustrialPark,
    Project,
    ProjectCategory,
    StageKind,
    StageTemplate,
)

DEMO_CODE_SERIAL = "-47-03-000018"  # 47: building industry; 03: filed (备案); 5 random + check
PARK_NAME = "德州经济技术开发区（演示）"
DOCUMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _document(name: str) -> io.BytesIO:
    stream = io.BytesIO(DOCUMENT + name.encode())
    stream.name = name
    return stream


def _working_days_back(calendar, today: dt.date, n: int) -> dt.date:
    day, counted = today, 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


def _configure(category: ProjectCategory, leads: dict[str, Agency]) -> None:
    """Give the seeded templates their lead agencies where the admin has not yet."""
    for stage, agency in leads.items():
        StageTemplate.objects.filter(category=category, stage=stage, lead_agency=None).update(
            lead_agency=agency
        )


def load_demo_project(
    city_region: Region,
    *,
    bureau: Agency,
    land: Agency,
    housing: Agency,
    builder: Applicant,
    butler: User | None = None,
    reviewer: User | None = None,
    today: dt.date | None = None,
) -> Project:
    """The demo project; ``reviewer`` (staff of ``land``) comments on the drawings if given.

    ``bureau`` attends the pre-review meeting; the stages are run as the system.
    """
    code = f"{(today or timezone.localdate()).year}-{city_region.code[:6]}{DEMO_CODE_SERIAL}"
    existing = Project.objects.filter(code=code).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    calendar = calendar_for(city_region)

    def back(n: int, hour: int = 10) -> dt.datetime:
        return _moment(_working_days_back(calendar, today, n), hour)

    with transaction.atomic():
        categories = {c.code: c for c in services.seed_categories()}
        social = categories["social"]
        _configure(
            social,
            {
                StageKind.APPROVAL_AND_LAND: land,
                StageKind.ENGINEERING: land,
                StageKind.CONSTRUCTION: housing,
                StageKind.ACCEPTANCE: housing,
            },
        )
        park = IndustrialPark.objects.filter(name=PARK_NAME).first() or actions.add_park(
            SYSTEM, name=PARK_NAME, region=city_region
        )
        if not park.assessments.exists():
            actions.attach_assessment(
                SYSTEM,
                park,
                kind=AssessmentKind.ENVIRONMENTAL_IMPACT,
                document=_document("区域环评报告.pdf"),
                name="区域环评报告.pdf",
                title="园区规划环境影响评价报告书",
                valid_until=dt.date(today.year + 3, 12, 31),
            )
        project = actions.create_project(
            SYSTEM,
            code=code,
            name="新型建材智能制造项目",
            builder=builder,
            region=city_region,
            category=social,
            location="德州经济技术开发区崇德八大道以东",
            park=park,
            total_investment="28000",
            is_major=True,
            butler=butler,
            at=back(64, 9),
        )
        # Stage 1: a pre-review meeting, then 14 working days.
        stage1 = actions.start_stage(SYSTEM, project, StageKind.APPROVAL_AND_LAND, at=back(62))
        actions.record_meeting(
            SYSTEM,
            stage1,
            held_on=back(61).date(),
            attendees=[bureau, land, housing],
            minutes="各部门同意按会审意见并联审批，材料共享，不再重复提交。",
        )
        actions.complete_stage(SYSTEM, stage1, at=back(48, 16))
        # Stage 2: joint drawing review; paused while the builder revised the plans.
        stage2 = actions.start_stage(SYSTEM, project, StageKind.ENGINEERING, at=back(46))
        drawings = actions.upload_drawings(
            SYSTEM, stage2, _document("总平面图.pdf"), "总平面图.pdf", at=back(45)
        )
        if reviewer is not None:
            actions.comment_drawing(
                principal_for_user(reviewer),
                drawings,
                agency=land,
                text="建筑退线不满足规划条件，请调整总平面布置。",
            )
            actions.answer_comments(SYSTEM, drawings, text="已按意见调整建筑退线，见第2版图纸。")
        actions.pause_stage(SYSTEM, stage2, reason="建设单位修改总平面图", at=back(40))
        actions.resume_stage(SYSTEM, stage2, at=back(36))
        actions.upload_drawings(
            SYSTEM, stage2, _document("总平面图v2.pdf"), "总平面图v2.pdf", at=back(36, 14)
        )
        actions.complete_stage(SYSTEM, stage2, at=back(28, 16))
        # Stage 3: construction permit.
        stage3 = actions.start_stage(SYSTEM, project, StageKind.CONSTRUCTION, at=back(26))
        actions.complete_stage(SYSTEM, stage3, at=back(18, 16))
        # Stage 4: joint acceptance under way, one site inspection shared by all.
        stage4 = actions.start_stage(SYSTEM, project, StageKind.ACCEPTANCE, at=back(10))
        if butler is not None:
            actions.record_inspection(
                principal_for_user(butler),
                stage4,
                inspected_on=back(8).date(),
                findings="主体结构、消防、人防、规划条件现场核验一次完成，各部门共享。",
                agencies=[land, housing],
            )
    return project
