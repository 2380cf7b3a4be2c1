"""Read paths and configuration helpers: default categories, what a case's stage shares.

A department handling a case in a project stage sees the stage's site inspections
(一次勘察、多方共享、阶段有效), its pre-review meetings, and the park's regional
assessments (区域评估) — it asks for none of them again.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tongban.cases.models import OPEN_STATUSES, Case
from tongban.cases.models import Status as CaseStatus
from tongban.org.models import Agency

from .models import (
    DrawingSet,
    PreReviewMeeting,
    Project,
    ProjectCategory,
    ProjectStage,
    RegionalAssessment,
    SiteInspection,
    StageCase,
    StageKind,
    StageStatus,
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


# ---------------------------------------------------------------- read paths for the pages

# The states a list filters projects by: where the project's stages stand.
NOT_STARTED, RUNNING, PAUSED, COMPLETED = "not_started", "in_progress", "paused", "completed"
PROJECT_STATES: tuple[str, ...] = (NOT_STARTED, RUNNING, PAUSED, COMPLETED)


def with_stage_status(queryset: QuerySet[Project], state: str) -> QuerySet[Project]:
    """Projects whose stages stand at ``state``.

    ``not_started``: no stage has started; ``in_progress`` / ``paused``: a stage is running
    / paused; ``completed``: the last stage (completion acceptance) is completed.
    """
    if state == NOT_STARTED:
        return queryset.exclude(stages__started_at__isnull=False)
    if state in {RUNNING, PAUSED}:
        return queryset.filter(stages__status=state).distinct()
    if state == COMPLETED:
        return queryset.filter(
            stages__stage=StageKind.ACCEPTANCE, stages__status=StageStatus.COMPLETED
        ).distinct()
    return queryset


def open_stage(project: Project) -> ProjectStage | None:
    """The stage running now (in progress or paused), from the prefetched stages."""
    running = [
        s for s in project.stages.all() if s.status in {StageStatus.IN_PROGRESS, StageStatus.PAUSED}
    ]
    return min(running, key=lambda s: s.order) if running else None


def next_stage_kind(project: Project) -> str | None:
    """The stage that may start now: the first one, or the one after a completed stage."""
    stages = {s.stage: s for s in project.stages.all()}
    for index, kind in enumerate(StageKind.values):
        stage = stages.get(kind)
        if stage is not None and stage.status != StageStatus.NOT_STARTED:
            continue
        if index == 0:
            return kind
        previous = stages.get(StageKind.values[index - 1])
        if previous is not None and previous.status == StageStatus.COMPLETED:
            return kind
        return None
    return None


@dataclass(frozen=True)
class StageOverview:
    """One of the four stages as the project page shows it, started or not."""

    kind: str
    label: str
    stage: ProjectStage | None
    lead_agency: Agency | None
    limit_days: int
    can_start: bool


def stage_overview(project: Project) -> list[StageOverview]:
    """The four stages in order: the project's rows, or the category's templates."""
    stages = {s.stage: s for s in project.stages.all()}
    templates = {
        t.stage: t
        for t in StageTemplate.objects.filter(category_id=project.category_id).select_related(
            "lead_agency"
        )
    }
    startable = next_stage_kind(project)
    rows = []
    for kind in StageKind.values:
        stage, template = stages.get(kind), templates.get(kind)
        started = stage is not None and stage.started_at is not None
        rows.append(
            StageOverview(
                kind=kind,
                label=str(StageKind(kind).label),
                stage=stage,
                lead_agency=(stage.lead_agency if started else None)
                or (template.lead_agency if template else None),
                limit_days=stage.limit_days
                if started
                else (template.limit_days if template else 0),
                can_start=kind == startable and template is not None,
            )
        )
    return rows


def current_drawing_set(project: Project) -> DrawingSet | None:
    """The newest drawing set of the project: the one under joint review now."""
    return (
        DrawingSet.objects.filter(project=project)
        .select_related("stage")
        .order_by("-stage__order", "-version")
        .first()
    )


def agencies_for_stage(stage: ProjectStage, extra: Iterable[int] = ()) -> QuerySet[Agency]:
    """The agencies that take part in a stage: the category's lead agencies, the agencies
    of the stage's items and cases, those already at its meetings and inspections, and
    ``extra`` (the person recording, say)."""
    project = stage.project
    ids = set(extra)
    templates = StageTemplate.objects.filter(category_id=project.category_id)
    ids |= {pk for pk in templates.values_list("lead_agency_id", flat=True) if pk}
    ids |= set(templates.filter(stage=stage.stage).values_list("items__agency_id", flat=True))
    ids |= set(stage.stage_cases.values_list("case__deciding_agency_id", flat=True))
    ids |= set(stage.meetings.values_list("attendees", flat=True))
    ids |= set(stage.inspections.values_list("agencies", flat=True))
    if stage.lead_agency_id:
        ids.add(stage.lead_agency_id)
    ids.discard(None)
    return Agency.objects.filter(pk__in=ids).order_by("name")


def undecided_cases(stages: Iterable[ProjectStage]) -> QuerySet[StageCase]:
    """The cases of these stages not yet decided or otherwise ended."""
    return (
        StageCase.objects.filter(stage__in=list(stages), case__decided_at__isnull=True)
        .filter(case__status__in=[*OPEN_STATUSES, CaseStatus.DRAFT])
        .select_related("case__item_version", "case__deciding_agency", "stage__project")
        .order_by("stage__project__code", "stage__order", "attached_at")
    )


def unanswered_drawings(projects: Iterable[Project]) -> QuerySet[DrawingSet]:
    """Drawing sets with comments the builder has not answered yet."""
    return (
        DrawingSet.objects.filter(project__in=list(projects), answer__isnull=True)
        .filter(comments__isnull=False)
        .distinct()
        .select_related("project", "stage")
        .prefetch_related("comments__agency")
        .order_by("project__code", "stage__order", "version")
    )


@dataclass(frozen=True)
class ButlerWork:
    """Everything pending on one butler's projects (项目管家)."""

    projects: list[Project]
    open_stages: list[ProjectStage]
    cases: list[StageCase]
    drawings: list[DrawingSet]

    @property
    def empty(self) -> bool:
        return not (self.open_stages or self.cases or self.drawings)


def butler_work(user, projects: QuerySet[Project] | None = None) -> ButlerWork:
    """The projects ``user`` is the butler of and what waits on them.

    ``projects`` narrows the search (the projects the person may see); default: all.
    """
    projects = (projects if projects is not None else Project.objects.all()).filter(butler=user)
    chosen = list(
        projects.select_related("category", "builder", "region").prefetch_related(
            "stages__pauses", "stages__lead_agency"
        )
    )
    stages = [s for p in chosen for s in p.stages.all()]
    running = sorted(
        (s for s in stages if s.status in {StageStatus.IN_PROGRESS, StageStatus.PAUSED}),
        key=lambda s: (s.project.code, s.order),
    )
    return ButlerWork(
        projects=chosen,
        open_stages=running,
        cases=list(undecided_cases(stages)),
        drawings=list(unanswered_drawings(chosen)),
    )
