"""``/api/v1/archive``: an applicant's archive, and reusing it in a case.

Thin, like ``cases.api``: parse, check the caller may see the applicant or the case, call
``archive.actions`` / ``archive.services``, render. Errors are ``{code, message}`` through
the site API's handlers (400 invalid, 403 forbidden, 404 not_found, 409 illegal_transition).
"""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.actions import missing_materials
from tongban.cases.models import Case
from tongban.core.api import ErrorOut
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import Applicant
from tongban.org.policy import Principal

from . import actions
from .models import ArchivedDocument, ArchiveReuse
from .services import valid_documents

router = Router(tags=["archive"])


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    material_key: str = Field(description="the name as materials are matched across items")
    has_file: bool
    content_type: str
    size: int
    sha256: str
    source_case_id: int
    source_case_code: str | None
    received_at: dt.datetime
    valid_until: dt.date | None = Field(description="null: until a newer one replaces it")
    state: str = Field(description="valid / expired / replaced / revoked (today)")
    revoked_at: dt.datetime | None
    revoked_reason: str


class ReuseOut(Schema):
    id: int
    case_id: int
    material_id: int | None
    material: str
    case_material_id: int
    document_id: int
    at: dt.datetime
    by: str | None
    reason: str


class ReuseResultOut(Schema):
    reused: list[ReuseOut]
    still_missing: list[str] = Field(description="materials of the guide still to be supplied")


def _principal(request) -> Principal:
    return request.principal


def _state(document: ArchivedDocument, today: dt.date) -> str:
    if document.revoked_at is not None:
        return "revoked"
    if document.replaced_by_id is not None:
        return "replaced"
    if document.valid_until is not None and document.valid_until < today:
        return "expired"
    return "valid"


def _document_out(document: ArchivedDocument, today: dt.date) -> dict:
    return {
        "id": document.pk,
        "kind": document.kind,
        "name": document.name,
        "material_key": document.material_key,
        "has_file": bool(document.file),
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "source_case_id": document.source_case_id,
        "source_case_code": document.source_case.code,
        "received_at": document.received_at,
        "valid_until": document.valid_until,
        "state": _state(document, today),
        "revoked_at": document.revoked_at,
        "revoked_reason": document.revoked_reason,
    }


def _reuse_out(reuse: ArchiveReuse) -> dict:
    material = reuse.case_material.material
    return {
        "id": reuse.pk,
        "case_id": reuse.case_id,
        "material_id": material.pk if material else None,
        "material": material.name if material else reuse.case_material.original_name,
        "case_material_id": reuse.case_material_id,
        "document_id": reuse.document_id,
        "at": reuse.at,
        "by": reuse.by.get_username() if reuse.by else None,
        "reason": reuse.reason,
    }


def _case(request, case_id: int) -> Case:
    case = (
        Case.objects.select_related("applicant", "item_version", "deciding_agency")
        .filter(pk=case_id)
        .first()
        if -(2**63) <= case_id < 2**63
        else None
    )
    if case is None:
        raise Http404("No Case matches the given query.")
    policy.require(_principal(request), "cases.view_case", case)
    return case


@router.get(
    "/applicants/{applicant_id}/documents",
    response={200: list[DocumentOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_documents(request, applicant_id: int, valid_only: bool = False, kind: str = ""):
    """The applicant's archive, newest first within each material: the applicant themself,
    or staff who may look the applicant up (``org.view_applicant``). ``valid_only``: only
    what a new application would reuse today."""
    applicant = (
        Applicant.objects.filter(pk=applicant_id).first()
        if -(2**63) <= applicant_id < 2**63
        else None
    )
    if applicant is None:
        raise Http404("No Applicant matches the given query.")
    policy.require(_principal(request), "org.view_applicant", applicant)
    today = timezone.localdate()
    documents = ArchivedDocument.objects.filter(applicant=applicant).select_related("source_case")
    if valid_only:
        documents = valid_documents(applicant, today)
    if kind:
        documents = documents.filter(kind=kind)
    return [_document_out(d, today) for d in documents]


@router.post(
    "/cases/{case_id}/reuse",
    response={200: ReuseResultOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
              409: ErrorOut},
    auth=AUTH,
)  # fmt: skip
def reuse_all(request, case_id: int):
    """Take every missing material the applicant's archive holds in a valid form (the
    applicant's side or a clerk who may act on the case); says what and why."""
    case = _case(request, case_id)
    done = actions.reuse_all(_principal(request), case)
    reused = ArchiveReuse.objects.filter(pk__in=[r.pk for r in done]).select_related(
        "case_material__material", "by"
    )
    return {
        "reused": [_reuse_out(r) for r in reused],
        "still_missing": [m.name for m in missing_materials(case)],
    }


@router.get(
    "/cases/{case_id}/reuses",
    response={200: list[ReuseOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_reuses(request, case_id: int):
    """What the case took from the archive, and why."""
    case = _case(request, case_id)
    reuses = ArchiveReuse.objects.filter(case=case).select_related("case_material__material", "by")
    return [_reuse_out(r) for r in reuses]
