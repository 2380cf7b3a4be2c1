"""Every change to a project: one function per action, one transaction, policy, audit.

Stage changes lock the stage row first, so two people pausing or completing the same
stage at once act one after the other and the second sees the first's result. Every
action takes ``at`` (default: now) so history can be loaded (the demo city).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.files import check_upload
from tongban.cases.models import OPEN_STATUSES, Case
from tongban.cases.models import Status as CaseStatus
from tongban.core import audit
from tongban.org import policy
from tongban.org.models import Agency, Applicant, Region, User
from tongban.org.policy import Principal

from .codes import validate_project_code
from .models import (
    STAGE_ORDER,
    AssessmentKind,
    BuilderAnswer,
    DrawingComment,
    DrawingSet,
    IndustrialPark,
    PreReviewMeeting,
    Project,
    ProjectCategory,
    ProjectStage,
    RegionalAssessment,
    SiteInspection,
    StageCase,
    StageKind,
    StagePause,
    StageStatus,
    StageTemplate,
)


def _when(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _locked(stage: ProjectStage) -> ProjectStage:
    """The stage row, locked until commit, with its project."""
    return (
        ProjectStage.objects.select_for_update(of=("self",))
        .select_related("project__category", "project__builder")
        .get(pk=stage.pk)
    )


# ---------------------------------------------------------------- projects


def create_project(
    principal: Principal,
    *,
    code: str,
    name: str,
    builder: Applicant,
    region: Region,
    category: ProjectCategory,
    location: str = "",
    park: IndustrialPark | None = None,
    total_investment: Decimal | int | str = 0,
    is_major: bool = False,
    butler: User | None = None,
    at: dt.datetime | None = None,
) -> Project:
    """Register a project under its national project code."""
    policy.require(principal, "projects.create_project")
    code = validate_project_code(code)
    if builder.kind != Applicant.Kind.LEGAL:
        raise ValidationError(
            _("The builder of a project is an enterprise or body (a legal person)."),
            code="builder_kind",
        )
    if butler is not None and butler.kind != User.Kind.STAFF:
        raise ValidationError(_("The project butler must be a staff member."), code="butler")
    if not name.strip():
        raise ValidationError(_("The project needs a name."), code="name")
    with transaction.atomic():
        if Project.objects.filter(code=code).exists():
            raise ValidationError(
                _("A project with the code %(code)s already exists.") % {"code": code},
                code="duplicate",
            )
        project = Project(
            code=code,
            name=name.strip(),
            builder=builder,
            region=region,
            category=category,
            location=location.strip(),
            park=park,
            total_investment=Decimal(str(total_investment)),
            is_major=is_major,
            butler=butler,
            created_by=principal.user,
            created_at=_when(at),
        )
        project.full_clean()
        project.save()
        audit.record(
            "project.create",
            project,
            changes={"code": code, "category": category.code, "builder": builder.pk},
            actor=principal.actor,
        )
    return project


def set_butler(principal: Principal, project: Project, butler: User | None) -> Project:
    policy.require(principal, "projects.create_project")
    if butler is not None and butler.kind != User.Kind.STAFF:
        raise ValidationError(_("The project butler must be a staff member."), code="butler")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        old = project.butler_id
        project.butler = butler
        project.save(update_fields=["butler"])
        audit.record(
            "project.set_butler",
            project,
            changes={"butler": [old, butler.pk if butler else None]},
            actor=principal.actor,
        )
    return project


# ---------------------------------------------------------------- stages


def template_for(category: ProjectCategory, stage: str) -> StageTemplate:
    template = StageTemplate.objects.filter(category=category, stage=stage).first()
    if template is None:
        raise ValidationError(
            _("The category %(category)s has no template for the stage “%(stage)s”.")
            % {"category": category, "stage": StageKind(stage).label},
            code="no_template",
        )
    return template


def start_stage(
    principal: Principal,
    project: Project,
    stage: str,
    *,
    lead_agency: Agency | None = None,
    at: dt.datetime | None = None,
) -> ProjectStage:
    """Start a stage: its limit and lead agency come from the category's template.

    The stages run in order: a stage starts when the one before it is completed.
    """
    if stage not in STAGE_ORDER:
        raise ValidationError(_("Unknown stage."), code="stage")
    now = _when(at)
    template = template_for(project.category, stage)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        existing = ProjectStage.objects.filter(project=project, stage=stage).first()
        candidate = existing or ProjectStage(
            project=project, stage=stage, lead_agency=lead_agency or template.lead_agency
        )
        policy.require(principal, "projects.manage_stage", candidate)
        if existing is not None and existing.status != StageStatus.NOT_STARTED:
            raise ValidationError(_("This stage has already started."), code="already_started")
        index = STAGE_ORDER.index(stage)
        if index:
            previous = ProjectStage.objects.filter(
                project=project, stage=STAGE_ORDER[index - 1]
            ).first()
            if previous is None or previous.status != StageStatus.COMPLETED:
                raise ValidationError(
                    _("Complete the stage “%(stage)s” first.")
                    % {"stage": StageKind(STAGE_ORDER[index - 1]).label},
                    code="previous_open",
                )
        candidate.lead_agency = lead_agency or template.lead_agency or candidate.lead_agency
        candidate.status = StageStatus.IN_PROGRESS
        candidate.started_at = now
        candidate.limit_days = template.limit_days
        candidate.save()
        audit.record(
            "project.start_stage",
            candidate,
            changes={
                "stage": stage,
                "limit_days": template.limit_days,
                "lead_agency": candidate.lead_agency_id,
            },
            actor=principal.actor,
        )
    return candidate


def _require_running(stage: ProjectStage) -> None:
    if stage.status not in {StageStatus.IN_PROGRESS, StageStatus.PAUSED}:
        raise ValidationError(
            _("The stage is %(status)s.") % {"status": StageStatus(stage.status).label},
            code="stage_status",
        )


def pause_stage(
    principal: Principal, stage: ProjectStage, *, reason: str, at: dt.datetime | None = None
) -> StagePause:
    """Stop the stage's clock (e.g. the builder revises its plans)."""
    if not reason.strip():
        raise ValidationError(_("Say why the stage is paused."), code="reason")
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.manage_stage", stage)
        if stage.status != StageStatus.IN_PROGRESS:
            raise ValidationError(_("Only a stage in progress can be paused."), code="stage_status")
        now = _when(at)
        if now < stage.started_at:
            raise ValidationError(_("A pause cannot begin before the stage."), code="at")
        pause = StagePause.objects.create(stage=stage, started_at=now, reason=reason.strip())
        stage.status = StageStatus.PAUSED
        stage.save(update_fields=["status"])
        audit.record(
            "project.pause_stage",
            stage,
            changes={"status": [StageStatus.IN_PROGRESS, StageStatus.PAUSED], "reason": reason},
            actor=principal.actor,
        )
    return pause


def resume_stage(
    principal: Principal, stage: ProjectStage, *, at: dt.datetime | None = None
) -> StagePause:
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.manage_stage", stage)
        if stage.status != StageStatus.PAUSED:
            raise ValidationError(_("The stage is not paused."), code="stage_status")
        pause = stage.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
        now = _when(at)
        if pause is not None:
            if now < pause.started_at:
                raise ValidationError(_("A pause cannot end before it began."), code="at")
            pause.ended_at = now
            pause.save(update_fields=["ended_at"])
        stage.status = StageStatus.IN_PROGRESS
        stage.save(update_fields=["status"])
        audit.record(
            "project.resume_stage",
            stage,
            changes={"status": [StageStatus.PAUSED, StageStatus.IN_PROGRESS]},
            actor=principal.actor,
        )
    return pause


def is_case_finished(case: Case) -> bool:
    """Decided (approved or denied) or ended otherwise (closed, withdrawn, not accepted …)."""
    if case.decided_at is not None:
        return True
    return case.status not in OPEN_STATUSES and case.status != CaseStatus.DRAFT


def complete_stage(
    principal: Principal, stage: ProjectStage, *, at: dt.datetime | None = None
) -> ProjectStage:
    """Complete a stage once every case in it is decided or closed."""
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.manage_stage", stage)
        if stage.status != StageStatus.IN_PROGRESS:
            raise ValidationError(
                _("Only a stage in progress can be completed (resume a paused one first)."),
                code="stage_status",
            )
        open_cases = [
            link.case
            for link in stage.stage_cases.select_related("case")
            if not is_case_finished(link.case)
        ]
        if open_cases:
            raise ValidationError(
                _("Cases of this stage are still open: %(codes)s.")
                % {"codes": ", ".join(c.code or str(c.pk) for c in open_cases)},
                code="open_cases",
            )
        now = _when(at)
        if now < stage.started_at:
            raise ValidationError(_("A stage cannot end before it began."), code="at")
        stage.status = StageStatus.COMPLETED
        stage.completed_at = now
        stage.save(update_fields=["status", "completed_at"])
        audit.record(
            "project.complete_stage",
            stage,
            changes={"status": [StageStatus.IN_PROGRESS, StageStatus.COMPLETED]},
            actor=principal.actor,
        )
    return stage


def attach_case(principal: Principal, stage: ProjectStage, case: Case) -> StageCase:
    """Count a case as part of a stage: same builder, an item of the stage's template."""
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.manage_stage", stage)
        _require_running(stage)
        if case.applicant_id != stage.project.builder_id:
            raise ValidationError(
                _("The case was filed by another applicant than the project's builder."),
                code="applicant",
            )
        link = StageCase.objects.filter(case=case).select_related("stage__project").first()
        if link is not None:
            raise ValidationError(
                _("The case already belongs to %(stage)s.") % {"stage": link.stage},
                code="attached",
            )
        template = StageTemplate.objects.filter(
            category_id=stage.project.category_id, stage=stage.stage
        ).first()
        if template is not None:
            item_ids = set(template.items.values_list("pk", flat=True))
            if item_ids and case.item_id not in item_ids:
                raise ValidationError(_("This item is not approved in this stage."), code="item")
        link = StageCase.objects.create(case=case, stage=stage)
        audit.record(
            "project.attach_case",
            stage,
            changes={"case": case.code or case.pk},
            actor=principal.actor,
        )
    return link


# ---------------------------------------------------------------- shared work


def _store(field_file, stream: BinaryIO, name: str) -> tuple[str, str]:
    """Check and save an upload under its digest; the digest and original name."""
    checked = check_upload(stream, name)
    field_file.save(
        f"{checked.sha256}.{checked.extension}", ContentFile(checked.content), save=False
    )
    return checked.sha256, name[:255]


def record_meeting(
    principal: Principal,
    stage: ProjectStage,
    *,
    held_on: dt.date,
    attendees: Iterable[Agency],
    minutes: str,
    file: BinaryIO | None = None,
    file_name: str = "",
) -> PreReviewMeeting:
    """The minutes of a joint pre-review meeting, on which the departments approve in parallel."""
    attendees = list(attendees)
    if not minutes.strip():
        raise ValidationError(_("The minutes are empty."), code="minutes")
    if not attendees:
        raise ValidationError(_("Name the agencies that attended."), code="attendees")
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.manage_stage", stage)
        _require_running(stage)
        meeting = PreReviewMeeting(
            stage=stage, held_on=held_on, minutes=minutes.strip(), recorded_by=principal.user
        )
        if file is not None:
            meeting.sha256, _name = _store(meeting.file, file, file_name or "minutes.pdf")
        meeting.save()
        meeting.attendees.set(attendees)
        audit.record(
            "project.record_meeting",
            stage,
            changes={"held_on": held_on, "attendees": [a.pk for a in attendees]},
            actor=principal.actor,
        )
    return meeting


def record_inspection(
    principal: Principal,
    stage: ProjectStage,
    *,
    inspected_on: dt.date,
    findings: str,
    agencies: Iterable[Agency],
) -> SiteInspection:
    """One site inspection for the stage, shared with every department in it."""
    agencies = list(agencies)
    if not findings.strip():
        raise ValidationError(_("Record what the inspection found."), code="findings")
    if principal.user is None:
        raise ValidationError(_("An inspection is recorded by a person."), code="inspector")
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.record_inspection", stage)
        _require_running(stage)
        if inspected_on < timezone.localtime(stage.started_at).date():
            raise ValidationError(
                _("An inspection from before the stage began is not valid for it."),
                code="inspected_on",
            )
        inspection = SiteInspection.objects.create(
            stage=stage, inspected_on=inspected_on, inspector=principal.user, findings=findings
        )
        inspection.agencies.set(agencies)
        audit.record(
            "project.record_inspection",
            stage,
            changes={"inspected_on": inspected_on, "agencies": [a.pk for a in agencies]},
            actor=principal.actor,
        )
    return inspection


def upload_drawings(
    principal: Principal,
    stage: ProjectStage,
    stream: BinaryIO,
    name: str,
    *,
    at: dt.datetime | None = None,
) -> DrawingSet:
    """A new version of the drawings for joint review (numbered 1, 2, … per stage)."""
    with transaction.atomic():
        stage = _locked(stage)
        policy.require(principal, "projects.answer_drawing", stage.project)
        _require_running(stage)
        last = stage.drawing_sets.aggregate(v=Max("version"))["v"] or 0
        drawing = DrawingSet(
            project=stage.project,
            stage=stage,
            version=last + 1,
            uploaded_by=principal.user,
            uploaded_at=_when(at),
        )
        drawing.sha256, drawing.original_name = _store(drawing.file, stream, name)
        drawing.save()
        audit.record(
            "project.upload_drawings",
            drawing,
            changes={"version": drawing.version, "sha256": drawing.sha256},
            actor=principal.actor,
        )
    return drawing


def comment_drawing(
    principal: Principal, drawing: DrawingSet, *, agency: Agency, text: str
) -> DrawingComment:
    """An agency's review comment; closed once the builder has answered this version."""
    policy.require(principal, "projects.comment_drawing", agency)
    if not text.strip():
        raise ValidationError(_("The comment is empty."), code="text")
    with transaction.atomic():
        drawing = DrawingSet.objects.select_for_update().get(pk=drawing.pk)
        if BuilderAnswer.objects.filter(drawing_set=drawing).exists():
            raise ValidationError(
                _("The builder has answered this version; comment on the next one."),
                code="answered",
            )
        comment = DrawingComment.objects.create(
            drawing_set=drawing, agency=agency, author=principal.user, text=text.strip()
        )
        audit.record(
            "project.comment_drawing",
            drawing,
            changes={"agency": agency.pk},
            actor=principal.actor,
        )
    return comment


def answer_comments(principal: Principal, drawing: DrawingSet, *, text: str) -> BuilderAnswer:
    """The builder's one answer to every comment on this version."""
    policy.require(principal, "projects.answer_drawing", drawing.project)
    if not text.strip():
        raise ValidationError(_("The answer is empty."), code="text")
    with transaction.atomic():
        drawing = DrawingSet.objects.select_for_update().get(pk=drawing.pk)
        if not drawing.comments.exists():
            raise ValidationError(_("There are no comments to answer yet."), code="no_comments")
        if BuilderAnswer.objects.filter(drawing_set=drawing).exists():
            raise ValidationError(_("This version has already been answered."), code="answered")
        answer = BuilderAnswer.objects.create(
            drawing_set=drawing, text=text.strip(), answered_by=principal.user
        )
        audit.record(
            "project.answer_comments",
            drawing,
            changes={"comments": drawing.comments.count()},
            actor=principal.actor,
        )
    return answer


# ---------------------------------------------------------------- parks


def add_park(principal: Principal, *, name: str, region: Region) -> IndustrialPark:
    policy.require(principal, "projects.manage_parks")
    if not name.strip():
        raise ValidationError(_("The park needs a name."), code="name")
    with transaction.atomic():
        park = IndustrialPark.objects.create(name=name.strip(), region=region)
        audit.record("project.add_park", park, actor=principal.actor)
    return park


def attach_assessment(
    principal: Principal,
    park: IndustrialPark,
    *,
    kind: str,
    document: BinaryIO,
    name: str,
    valid_until: dt.date | None = None,
    title: str = "",
) -> RegionalAssessment:
    """A regional assessment every project in the park reuses instead of its own."""
    policy.require(principal, "projects.manage_parks", park)
    if kind not in AssessmentKind.values:
        raise ValidationError(_("Unknown kind of assessment."), code="kind")
    with transaction.atomic():
        assessment = RegionalAssessment(
            park=park, kind=kind, title=title.strip(), valid_until=valid_until
        )
        assessment.sha256, _name = _store(assessment.document, document, name)
        assessment.save()
        audit.record(
            "project.attach_assessment",
            assessment,
            changes={"kind": kind, "sha256": assessment.sha256, "valid_until": valid_until},
            actor=principal.actor,
        )
    return assessment
