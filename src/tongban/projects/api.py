"""``/api/v1/projects``: construction projects, their stages and timeline, shared work.

Thin: each endpoint parses, finds the object among those the caller may see
(``projects.view_project``), calls the same function of ``projects.actions`` the UI would,
and renders. The actions decide who may act; their errors map to 400 (ValidationError)
and 403 in ``tongban.api.urls``.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.models import Case
from tongban.core.api import ApiError, ErrorOut
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import Agency, Applicant, Region, User

from . import actions, services
from .models import (
    STAGE_ORDER,
    DrawingSet,
    IndustrialPark,
    Project,
    ProjectCategory,
    ProjectStage,
    RegionalAssessment,
    StageKind,
)
from .timeline import ProcessTime, StageTime, Timeline, project_timeline

router = Router(tags=["projects"])

# ---------------------------------------------------------------- schemas


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    builder_id: int
    builder: str
    region: str
    category: str
    category_name: str
    park_id: int | None
    total_investment: Decimal
    is_major: bool
    butler: str | None
    created_at: dt.datetime


class ProjectIn(Schema):
    code: str
    name: str
    builder_id: int
    region: str  # division code
    category: str  # category code
    location: str = ""
    park_id: int | None = None
    total_investment: Decimal = Decimal(0)
    is_major: bool = False
    butler: str | None = None  # username


class StageOut(Schema):
    stage: str
    label: str
    status: str
    lead_agency_id: int | None
    lead_agency: str | None
    limit_days: int
    used_days: int
    paused_days: int
    remaining_days: int
    due_date: dt.date | None
    level: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    cases: list[str]


class ProcessOut(Schema):
    limit_days: int
    used_days: int
    remaining_days: int
    level: str


class AssessmentOut(Schema):
    id: int
    park_id: int
    kind: str
    kind_label: str
    title: str
    sha256: str
    valid_until: dt.date | None


class ProjectDetailOut(ProjectOut):
    location: str
    stages: list[StageOut]
    main_process: ProcessOut
    whole_process: ProcessOut
    level: str
    estimated: bool
    assessments: list[AssessmentOut]


class PauseIn(Schema):
    reason: str


class InspectionIn(Schema):
    inspected_on: dt.date
    findings: str
    agency_ids: list[int] = []


class InspectionOut(Schema):
    id: int
    inspected_on: dt.date
    inspector: str
    findings: str
    agency_ids: list[int]


class MeetingIn(Schema):
    held_on: dt.date
    minutes: str
    agency_ids: list[int]


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    minutes: str
    agency_ids: list[int]


class CaseLinkIn(Schema):
    case_id: int


class DrawingOut(Schema):
    id: int
    stage: str
    version: int
    original_name: str
    sha256: str
    uploaded_at: dt.datetime
    comments: int
    answered: bool


class CommentIn(Schema):
    agency_id: int
    text: str


class CommentOut(Schema):
    id: int
    agency_id: int
    agency: str
    text: str
    created_at: dt.datetime


class AnswerIn(Schema):
    text: str


class AnswerOut(Schema):
    drawing_set_id: int
    text: str
    answered_at: dt.datetime


class ParkOut(Schema):
    id: int
    name: str
    region: str


# ---------------------------------------------------------------- helpers


def _project_out(project: Project) -> dict:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "builder_id": project.builder_id,
        "builder": project.builder.name,
        "region": project.region.code,
        "category": project.category.code,
        "category_name": project.category.name,
        "park_id": project.park_id,
        "total_investment": project.total_investment,
        "is_major": project.is_major,
        "butler": project.butler.get_username() if project.butler else None,
        "created_at": project.created_at,
    }


def _process_out(process: ProcessTime) -> dict:
    return {
        "limit_days": process.limit,
        "used_days": process.used,
        "remaining_days": process.remaining,
        "level": process.level,
    }


def _stage_out(stage: ProjectStage, time: StageTime | None) -> dict:
    return {
        "stage": stage.stage,
        "label": str(StageKind(stage.stage).label),
        "status": stage.status,
        "lead_agency_id": stage.lead_agency_id,
        "lead_agency": stage.lead_agency.name if stage.lead_agency else None,
        "limit_days": stage.limit_days,
        "used_days": time.used if time else 0,
        "paused_days": time.paused if time else 0,
        "remaining_days": time.remaining if time else stage.limit_days,
        "due_date": time.due_date if time else None,
        "level": time.level if time else "green",
        "started_at": stage.started_at,
        "completed_at": stage.completed_at,
        "cases": [link.case.code or str(link.case_id) for link in stage.stage_cases.all()],
    }


def _assessment_out(assessment: RegionalAssessment) -> dict:
    return {
        "id": assessment.pk,
        "park_id": assessment.park_id,
        "kind": assessment.kind,
        "kind_label": str(assessment.get_kind_display()),
        "title": assessment.title,
        "sha256": assessment.sha256,
        "valid_until": assessment.valid_until,
    }


def _detail(project: Project) -> dict:
    timeline: Timeline = project_timeline(project)
    times = {t.stage: t for t in timeline.stages}
    stages = (
        project.stages.select_related("lead_agency")
        .prefetch_related("stage_cases__case")
        .order_by("order")
    )
    return {
        **_project_out(project),
        "location": project.location,
        "stages": [_stage_out(s, times.get(s.stage)) for s in stages],
        "main_process": _process_out(timeline.main_process),
        "whole_process": _process_out(timeline.whole_process),
        "level": timeline.level,
        "estimated": timeline.estimated,
        "assessments": [_assessment_out(a) for a in services.assessments_for_project(project)],
    }


def _projects(request):
    return policy.visible(
        request.principal,
        "projects.view_project",
        Project.objects.select_related("builder", "region", "category", "butler"),
    )


def _project(request, project_id: int) -> Project:
    return get_object_or_404(_projects(request), pk=project_id)


def _stage(request, project_id: int, stage: str) -> ProjectStage:
    if stage not in STAGE_ORDER:
        raise ApiError(404, "not_found", _("Unknown stage."))
    project = _project(request, project_id)
    return get_object_or_404(
        ProjectStage.objects.select_related("project__category", "lead_agency"),
        project=project,
        stage=stage,
    )


def _agencies(ids: list[int]) -> list[Agency]:
    agencies = list(Agency.objects.filter(pk__in=ids))
    if len(agencies) != len(set(ids)):
        raise ApiError(404, "not_found", _("Unknown agency."))
    return agencies


def _drawing(request, drawing_id: int) -> DrawingSet:
    drawing = get_object_or_404(
        DrawingSet.objects.select_related("project__builder", "stage"), pk=drawing_id
    )
    policy.require(request.principal, "projects.view_project", drawing.project)
    return drawing


def _drawing_out(drawing: DrawingSet) -> dict:
    return {
        "id": drawing.pk,
        "stage": drawing.stage.stage,
        "version": drawing.version,
        "original_name": drawing.original_name,
        "sha256": drawing.sha256,
        "uploaded_at": drawing.uploaded_at,
        "comments": drawing.comments.count(),
        "answered": hasattr(drawing, "answer"),
    }


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}

# ---------------------------------------------------------------- parks


@router.get("/parks", response={200: list[ParkOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_parks(request):
    return [
        {"id": park.pk, "name": park.name, "region": park.region.code}
        for park in IndustrialPark.objects.select_related("region")
    ]


@router.get(
    "/parks/{park_id}/assessments",
    response={200: list[AssessmentOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_assessments(request, park_id: int):
    park = get_object_or_404(IndustrialPark, pk=park_id)
    return [_assessment_out(a) for a in park.assessments.all()]


@router.post("/parks/{park_id}/assessments", response={201: AssessmentOut, **ERRORS}, auth=AUTH)
def add_assessment(
    request,
    park_id: int,
    kind: Form[str],
    file: File[UploadedFile],
    valid_until: Form[dt.date | None] = None,
    title: Form[str] = "",
):
    park = get_object_or_404(IndustrialPark, pk=park_id)
    assessment = actions.attach_assessment(
        request.principal,
        park,
        kind=kind,
        document=file,
        name=file.name or "assessment.pdf",
        valid_until=valid_until,
        title=title,
    )
    return Reply(201, _assessment_out(assessment))


# ---------------------------------------------------------------- projects


@router.get("", response={200: list[ProjectOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_projects(request, category: str = "", q: str = ""):
    """Projects the caller may see; ``q`` searches code and name."""
    projects = _projects(request)
    if category:
        projects = projects.filter(category__code=category)
    if q:
        projects = projects.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return [_project_out(p) for p in projects]


@router.post("", response={201: ProjectDetailOut, **ERRORS}, auth=AUTH)
def create_project(request, payload: ProjectIn):
    builder = get_object_or_404(Applicant, pk=payload.builder_id)
    region = get_object_or_404(Region, code=payload.region)
    category = get_object_or_404(ProjectCategory, code=payload.category)
    park = get_object_or_404(IndustrialPark, pk=payload.park_id) if payload.park_id else None
    butler = get_object_or_404(User, username=payload.butler) if payload.butler else None
    project = actions.create_project(
        request.principal,
        code=payload.code,
        name=payload.name,
        builder=builder,
        region=region,
        category=category,
        location=payload.location,
        park=park,
        total_investment=payload.total_investment,
        is_major=payload.is_major,
        butler=butler,
    )
    return Reply(201, _detail(project))


@router.get(
    "/{project_id}", response={200: ProjectDetailOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def project_detail(request, project_id: int):
    """The project with its stages and timeline (working days used against the limits)."""
    return _detail(_project(request, project_id))


# ---------------------------------------------------------------- stages


@router.post(
    "/{project_id}/stages/{stage}/start", response={200: ProjectDetailOut, **ERRORS}, auth=AUTH
)
def start_stage(request, project_id: int, stage: str):
    if stage not in STAGE_ORDER:
        raise ApiError(404, "not_found", _("Unknown stage."))
    project = _project(request, project_id)
    actions.start_stage(request.principal, project, stage)
    return _detail(project)


@router.post(
    "/{project_id}/stages/{stage}/pause", response={200: ProjectDetailOut, **ERRORS}, auth=AUTH
)
def pause_stage(request, project_id: int, stage: str, payload: PauseIn):
    found = _stage(request, project_id, stage)
    actions.pause_stage(request.principal, found, reason=payload.reason)
    return _detail(found.project)


@router.post(
    "/{project_id}/stages/{stage}/resume", response={200: ProjectDetailOut, **ERRORS}, auth=AUTH
)
def resume_stage(request, project_id: int, stage: str):
    found = _stage(request, project_id, stage)
    actions.resume_stage(request.principal, found)
    return _detail(found.project)


@router.post(
    "/{project_id}/stages/{stage}/complete", response={200: ProjectDetailOut, **ERRORS}, auth=AUTH
)
def complete_stage(request, project_id: int, stage: str):
    found = _stage(request, project_id, stage)
    actions.complete_stage(request.principal, found)
    return _detail(found.project)


@router.post(
    "/{project_id}/stages/{stage}/cases", response={201: ProjectDetailOut, **ERRORS}, auth=AUTH
)
def attach_case(request, project_id: int, stage: str, payload: CaseLinkIn):
    found = _stage(request, project_id, stage)
    case = get_object_or_404(Case, pk=payload.case_id)
    policy.require(request.principal, "cases.view_case", case)
    actions.attach_case(request.principal, found, case)
    return Reply(201, _detail(found.project))


@router.post(
    "/{project_id}/stages/{stage}/inspections", response={201: InspectionOut, **ERRORS}, auth=AUTH
)
def add_inspection(request, project_id: int, stage: str, payload: InspectionIn):
    found = _stage(request, project_id, stage)
    inspection = actions.record_inspection(
        request.principal,
        found,
        inspected_on=payload.inspected_on,
        findings=payload.findings,
        agencies=_agencies(payload.agency_ids),
    )
    return Reply(
        201,
        {
            "id": inspection.pk,
            "inspected_on": inspection.inspected_on,
            "inspector": inspection.inspector.get_username(),
            "findings": inspection.findings,
            "agency_ids": sorted(a.pk for a in inspection.agencies.all()),
        },
    )


@router.post(
    "/{project_id}/stages/{stage}/meetings", response={201: MeetingOut, **ERRORS}, auth=AUTH
)
def add_meeting(request, project_id: int, stage: str, payload: MeetingIn):
    found = _stage(request, project_id, stage)
    meeting = actions.record_meeting(
        request.principal,
        found,
        held_on=payload.held_on,
        attendees=_agencies(payload.agency_ids),
        minutes=payload.minutes,
    )
    return Reply(
        201,
        {
            "id": meeting.pk,
            "held_on": meeting.held_on,
            "minutes": meeting.minutes,
            "agency_ids": sorted(a.pk for a in meeting.attendees.all()),
        },
    )


@router.post(
    "/{project_id}/stages/{stage}/drawings", response={201: DrawingOut, **ERRORS}, auth=AUTH
)
def upload_drawings(request, project_id: int, stage: str, file: File[UploadedFile]):
    found = _stage(request, project_id, stage)
    drawing = actions.upload_drawings(request.principal, found, file, file.name or "drawings.pdf")
    return Reply(201, _drawing_out(drawing))


@router.get(
    "/{project_id}/drawings",
    response={200: list[DrawingOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_drawings(request, project_id: int):
    project = _project(request, project_id)
    return [
        _drawing_out(d)
        for d in project.drawing_sets.select_related("stage", "answer").order_by(
            "stage__order", "version"
        )
    ]


@router.get(
    "/drawings/{drawing_id}/comments",
    response={200: list[CommentOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_comments(request, drawing_id: int):
    drawing = _drawing(request, drawing_id)
    return [
        {
            "id": c.pk,
            "agency_id": c.agency_id,
            "agency": c.agency.name,
            "text": c.text,
            "created_at": c.created_at,
        }
        for c in drawing.comments.select_related("agency")
    ]


@router.post("/drawings/{drawing_id}/comments", response={201: CommentOut, **ERRORS}, auth=AUTH)
def add_comment(request, drawing_id: int, payload: CommentIn):
    drawing = _drawing(request, drawing_id)
    agency = get_object_or_404(Agency, pk=payload.agency_id)
    comment = actions.comment_drawing(request.principal, drawing, agency=agency, text=payload.text)
    return Reply(
        201,
        {
            "id": comment.pk,
            "agency_id": agency.pk,
            "agency": agency.name,
            "text": comment.text,
            "created_at": comment.created_at,
        },
    )


@router.post("/drawings/{drawing_id}/answer", response={201: AnswerOut, **ERRORS}, auth=AUTH)
def answer(request, drawing_id: int, payload: AnswerIn):
    drawing = _drawing(request, drawing_id)
    reply = actions.answer_comments(request.principal, drawing, text=payload.text)
    return Reply(
        201,
        {"drawing_set_id": drawing.pk, "text": reply.text, "answered_at": reply.answered_at},
    )
