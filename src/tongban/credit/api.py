"""Credit through the API: records (searched by ID number or credit code, kept as a keyed
digest), an applicant's standing with its reasons, imports from the city credit database,
repairs. Staff only; imports and repairs for section chiefs and administrators."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.api import visible_case
from tongban.core.api import ErrorOut
from tongban.org.api_auth import AUTH
from tongban.org.models import Applicant, StaffRole
from tongban.org.policy import Principal

from . import actions, services
from .models import CreditRecord, Kind

router = Router(tags=["credit"])

MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _staff(request) -> Principal:
    principal = request.principal
    if principal.kind != "staff":
        raise PermissionDenied(_("Credit records are for staff."))
    return principal


class RecordOut(Schema):
    id: int
    subject: str = Field(description="masked ID number, or the credit code")
    name: str
    kind: str
    kind_label: str
    title: str
    authority: str
    decided_on: dt.date
    valid_until: dt.date | None
    repaired_on: dt.date | None
    source: str
    case: str | None = Field(description="the case code, for a record the platform made")


class AssessmentOut(Schema):
    standing: str = Field(description="black, red, clean or normal")
    label: str
    explanation: str
    fast_track: bool
    clean_since: dt.date
    on: dt.date
    effects: list[str]
    records: list[RecordOut]


class ImportOut(Schema):
    created: int
    updated: int


class RepairIn(Schema):
    on: dt.date
    note: str


def _record_out(record: CreditRecord) -> dict:
    return {
        "id": record.pk,
        "subject": record.subject_masked,
        "name": record.subject_name,
        "kind": record.kind,
        "kind_label": str(record.get_kind_display()),
        "title": record.title,
        "authority": record.authority,
        "decided_on": record.decided_on,
        "valid_until": record.valid_until,
        "repaired_on": record.repaired_on,
        "source": record.source,
        "case": record.case.code if record.case_id else None,
    }


def _assessment_out(assessment: services.Assessment, effects: list[str]) -> dict:
    return {
        "standing": assessment.standing,
        "label": assessment.label,
        "explanation": assessment.explanation(),
        "fast_track": assessment.fast_track,
        "clean_since": assessment.clean_since,
        "on": assessment.on,
        "effects": effects,
        "records": [_record_out(r) for r in assessment.records],
    }


@router.get("/records", response={200: list[RecordOut], 401: ErrorOut, 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_records(request, subject: str = "", kind: str = ""):
    """Credit records, newest first; ``subject`` (an ID number or credit code) is matched
    by its keyed digest."""
    _staff(request)
    found = CreditRecord.objects.select_related("case")
    if subject:
        found = found.filter(subject_index=services.subject_index(subject))
    if kind:
        if kind not in Kind.values:
            raise ValidationError(_("Unknown kind of credit record."), code="kind")
        found = found.filter(kind=kind)
    return [_record_out(r) for r in found.order_by("-decided_on", "-pk")]


@router.get(
    "/applicants/{applicant_id}",
    response={200: AssessmentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def applicant_standing(request, applicant_id: int):
    """An applicant's credit standing today, why, and the records it rests on."""
    _staff(request)
    applicant = get_object_or_404(Applicant, pk=applicant_id)
    return _assessment_out(services.assess(applicant), [])


@router.get(
    "/cases/{case_id}",
    response={200: AssessmentOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def case_standing(request, case_id: int):
    """The standing of a case's applicant and what it changes for this case."""
    _staff(request)
    case = visible_case(request, case_id)
    assessment = services.assess_case(case)
    return _assessment_out(assessment, [str(e) for e in services.effects_for(case, assessment)])


@router.post(
    "/records/import",
    response={201: ImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=AUTH,
)
def import_records(request, file: File[UploadedFile]):
    """A file from the city credit database (CSV with a header row, or JSON): every record
    or none — a bad row refuses the file, every bad row listed."""
    principal = _staff(request)
    if file.size and file.size > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    run = actions.import_file(principal, file.read(), file.name or "")
    return 201, {"created": run.created, "updated": run.updated}


@router.post(
    "/records/{record_id}/repair",
    response={200: RecordOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def repair_record(request, record_id: int, payload: RepairIn):
    """信用修复: the record stops counting from ``on``; it is kept."""
    principal = _staff(request)
    if not (principal.is_platform_admin or principal.has_role(StaffRole.SECTION_CHIEF)):
        raise PermissionDenied(_("Credit records are kept by section chiefs and administrators."))
    entry = get_object_or_404(CreditRecord, pk=record_id)
    entry = actions.repair(principal, entry, on=payload.on, note=payload.note)
    return _record_out(entry)
