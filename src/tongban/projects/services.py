"""Read paths and configuration helpers: default categories, what a case's stage shares.

A department handling a case in a project stage sees the stage's site inspections
(一次勘察、多方共享、阶段有效), its pre-review meetings, and the park's regional
assessments (区域评估) — it asks for none of them again.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tongban.cases.models import Case

from .models import (
    PreReviewMeeting,
    Project,
    ProjectCategory,
    ProjectStage,
    RegionalAssessment,
    SiteInspection,
    StageCase,
    StageKind,
    StageTemplate,
)


@dataclass(frozen=True)
class CategoryDefaults:
    code: str
    name: str  # stored as data: the bureau renames categories in the admin
    main_process_limit: int
    whole_process_limit: int
    stage_limits: tuple[int, int, int, int]


# The plan's limits: main process ≤ 45 working days for social investment, ≤ 70 for
# government investment, whole process ≤ 90. The split by stage and the small
# social-investment figures are starting values for the bureau to adjust in the admin.
DEFAULT_CATEGORIES: tuple[CategoryDefaults, ...] = (
    CategoryDefaults("social", "社会投资项目", 45, 90, (15, 20, 10, 30)),
    CategoryDefaults("government", "政府投资项目", 70, 90, (25, 30, 15, 20)),
    CategoryDefaults("small_social", "小型社会投资项目", 45, 90, (10, 15, 10, 20)),
)


def seed_categories() -> list[ProjectCategory]:
    """Create the default categories and their stage templates where missing.

    Existing rows are left as they are: once seeded, the admin owns them.
    """
    categories = []
    with transaction.atomic():
        for order, defaults in enumerate(DEFAULT_CATEGORIES, start=1):
            category, _created = ProjectCategory.objects.get_or_create(
                code=defaults.code,
                defaults={
                    "name": defaults.name,
                    "main_process_limit": defaults.main_process_limit,
                    "whole_process_limit": defaults.whole_process_limit,
                    "order": order,
                },
            )
            for stage, limit in zip(StageKind.values, defaults.stage_limits, strict=True):
                StageTemplate.objects.get_or_create(
                    category=category, stage=stage, defaults={"limit_days": limit}
                )
            categories.append(category)
    return categories


def stage_of_case(case: Case) -> ProjectStage | None:
    link = StageCase.objects.filter(case=case).select_related("stage__project").first()
    return link.stage if link else None


def inspections_for_case(case: Case) -> QuerySet[SiteInspection]:
    """The site inspections valid for the case: those of its project stage."""
    return SiteInspection.objects.filter(stage__stage_cases__case=case).prefetch_related("agencies")


def meetings_for_case(case: Case) -> QuerySet[PreReviewMeeting]:
    return PreReviewMeeting.objects.filter(stage__stage_cases__case=case).prefetch_related(
        "attendees"
    )


def assessments_for_project(
    project: Project, on: dt.date | None = None
) -> QuerySet[RegionalAssessment]:
    """The park's regional assessments still valid ``on`` (today by default)."""
    if project.park_id is None:
        return RegionalAssessment.objects.none()
    on = on or timezone.localdate()
    return RegionalAssessment.objects.filter(park_id=project.park_id).exclude(valid_until__lt=on)
