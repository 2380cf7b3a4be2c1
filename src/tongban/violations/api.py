"""``/api/v1/violations``: violation notices (告知函) from supervising departments, the
bureau's decisions on them, and the public list of revoked certificates.

Thin: parse, find what the caller may see (``violations.view_notice``), call
``violations.actions``, render. Errors are ``{code, message}`` (400 invalid, 403
forbidden, 404 not_found, 409 already decided or the licence no longer allows the
measure).
"""

import datetime as dt

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.models import Case
from tongban.cases.transitions import IllegalTransition
from tongban.core.api import ApiError, ErrorOut, Paged
from tongban.org.api_auth import AUTH
from tongban.org.models import Agency

from . import actions, services
from .models import Evidence, Kind, Measure, ViolationNotice
from .models import Status as NoticeStatus

router = Router(tags=["violations"])


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str = Field(description="download (the reporting department, the deciding chiefs)")


class NoticeOut(Schema):
    id: int
    code: str = Field(description="the notice's number, GZH-<year>-<sequence>")
    status: str = Field(description="received, decided or dismissed")
    status_label: str
    agency: str = Field(description="the reporting (supervising) department")
    agency_id: int
    reported_by: str
    case_id: int
    case_code: str | None
    item_name: str
    holder_name: str
    certificate_identifier: str | None
    deciding_agency: str
    deciding_agency_id: int
    kind: str = Field(description="law, commitment or other")
    kind_label: str
    proposed_measure: str = Field(description="amend, revoke, cancel or withdraw")
    proposed_measure_label: str
    received_at: dt.datetime
    due_date: dt.date = Field(description="the bureau decides by this day (working days)")
    overdue: bool
    measure: str = Field(description="the measure taken; empty until decided or if dismissed")
    decided_by: str | None
    decided_at: dt.datetime | None


class NoticeDetailOut(NoticeOut):
    facts: str
    legal_basis: str
    decision_reasons: str
    evidence: list[EvidenceOut]


class DecisionIn(Schema):
    measure: str = Field(description="amend, revoke, cancel, withdraw, or dismiss")
    reasons: str = Field(description="why; told to the department and the holder")


class RevokedOut(Schema):
    identifier: str
    type_name: str
    number: str
    holder_name: str = Field(description="a person's name masked (张*明)")
    issuer_name: str
    status: str = Field(description="revoked (03 撤销) or withdrawn (07 吊销)")
    status_code: str
    status_label: str
    changed_on: dt.date
    verify_url: str


def _out(notice: ViolationNotice, today: dt.date) -> dict:
    case = notice.case
    return {
        "id": notice.pk,
        "code": notice.code,
        "status": notice.status,
        "status_label": str(NoticeStatus(notice.status).label),
        "agency": notice.agency.name,
        "agency_id": notice.agency_id,
        "reported_by": notice.reported_by.get_full_name(),
        "case_id": notice.case_id,
        "case_code": case.code,
        "item_name": case.item_version.name,
        "holder_name": case.applicant.name,
        "certificate_identifier": notice.certificate.identifier if notice.certificate else None,
        "deciding_agency": notice.deciding_agency.name,
        "deciding_agency_id": notice.deciding_agency_id,
        "kind": notice.kind,
        "kind_label": str(Kind(notice.kind).label),
        "proposed_measure": notice.proposed_measure,
        "proposed_measure_label": str(Measure(notice.proposed_measure).label),
        "received_at": notice.received_at,
        "due_date": notice.due_date,
        "overdue": services.is_overdue(notice, today),
        "measure": notice.measure,
        "decided_by": notice.decided_by.get_full_name() if notice.decided_by else None,
        "decided_at": notice.decided_at,
    }


def _detail(notice: ViolationNotice) -> dict:
    return {
        **_out(notice, timezone.localdate()),
        "facts": notice.facts,
        "legal_basis": notice.legal_basis,
        "decision_reasons": notice.decision_reasons,
        "evidence": [
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "url": f"/api/v1/violations/{notice.pk}/evidence/{e.pk}",
            }
            for e in notice.evidence.order_by("pk")
        ],
    }


def _notice(request, notice_id: int) -> ViolationNotice:
    """The notice if the caller may see it; 404 otherwise (existence not confirmed)."""
    found = (
        services.with_details(services.visible(request.principal)).filter(pk=notice_id).first()
        if -(2**63) <= notice_id < 2**63
        else None
    )
    if found is None:
        raise Http404("No notice matches the given query.")
    return found


# ---------------------------------------------------------------- public


@router.get("/revoked-certificates", response=list[RevokedOut], auth=None)
@paginate(PageNumberPagination)
def revoked_certificates(request):
    """Anyone, without logging in: certificates revoked (撤销) or withdrawn (吊销), the
    latest change first, with a link to each one's verification page. A person's name is
    masked; no identifier number is shown."""
    return Paged(services.revoked_certificates(), services.revoked_row)


# ---------------------------------------------------------------- notices


@router.post(
    "",
    response={201: NoticeDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def create_notice(
    request,
    case: Form[int],
    kind: Form[str],
    facts: Form[str],
    legal_basis: Form[str],
    proposed_measure: Form[str],
    files: File[list[UploadedFile]],
    agency: Form[int | None] = None,
):
    """告知函: a supervising officer (or section chief) of a department that supervises the
    licence's item reports that its holder broke the law (``kind=law``), its commitment
    (``commitment``) or other rules, proposing ``amend`` (变更), ``revoke`` (撤销),
    ``cancel`` (注销) or ``withdraw`` (吊销). Multipart: the fields and one or more
    evidence ``files`` (PDF, JPEG, PNG or OFD). Only a licence in force (an approved case
    whose result was issued, not revoked, cancelled or withdrawn) can be reported. The
    deciding agency's chiefs are told; the decision is due in 10 working days."""
    licence = Case.objects.filter(pk=case).first() if -(2**63) <= case < 2**63 else None
    if licence is None:
        raise Http404("No case matches the given query.")
    reporting = None
    if agency is not None:
        reporting = Agency.objects.filter(pk=agency).first()
        if reporting is None:
            raise Http404("No agency matches the given query.")
    notice = actions.report(
        request.principal,
        licence,
        kind=kind,
        facts=facts,
        legal_basis=legal_basis,
        proposed_measure=proposed_measure,
        evidence=files,
        agency=reporting,
    )
    return Status(201, _detail(_notice(request, notice.pk)))


@router.get("", response={200: list[NoticeOut], 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_notices(request, status: str = "", case: int | None = None):
    """The notices the caller may see, newest first: a department's staff see their
    department's; the bureau's section chiefs those about their agency's licences; a
    platform administrator all. Filter by ``status`` (received, decided, dismissed) or
    ``case`` (its id)."""
    notices = services.with_details(services.visible(request.principal))
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    if case is not None and -(2**63) <= case < 2**63:
        notices = notices.filter(case_id=case)
    today = timezone.localdate()
    return Paged(notices.order_by("-received_at", "-pk"), lambda n: _out(n, today))


@router.get(
    "/{notice_id}", response={200: NoticeDetailOut, 401: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def get_notice(request, notice_id: int):
    """One notice with its facts, evidence files and the decision."""
    return _detail(_notice(request, notice_id))


@router.get(
    "/{notice_id}/evidence/{evidence_id}", response={401: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def get_evidence(request, notice_id: int, evidence_id: int):
    """One evidence file, as received (its SHA-256 in the notice's detail)."""
    notice = _notice(request, notice_id)
    evidence = (
        Evidence.objects.filter(notice=notice, pk=evidence_id).first()
        if -(2**63) <= evidence_id < 2**63
        else None
    )
    if evidence is None:
        raise Http404("No evidence matches the given query.")
    return evidence_response(evidence)


def evidence_response(evidence: Evidence) -> HttpResponse:
    """The stored file, downloaded under its original name, never cached by the way."""
    with evidence.file.open("rb") as stored:
        data = stored.read()
    response = HttpResponse(data, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(True, evidence.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/{notice_id}/decision",
    response={200: NoticeDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
              404: ErrorOut, 409: ErrorOut},
    auth=AUTH,
)  # fmt: skip
def decide_notice(request, notice_id: int, payload: DecisionIn):
    """The bureau's decision: a section chief of the agency that issued the licence takes
    a measure (``amend`` 变更, ``revoke`` 撤销, ``cancel`` 注销, ``withdraw`` 吊销: the case
    and its certificate follow at once) or ``dismiss``es the notice, with reasons. The
    reporting officer and, for a measure, the holder are told. Decided once (409 after)."""
    notice = _notice(request, notice_id)
    try:
        actions.decide(request.principal, notice, measure=payload.measure, reasons=payload.reasons)
    except actions.AlreadyDecided as error:
        raise ApiError(409, "already_decided", error.messages[0]) from error
    except IllegalTransition as error:
        raise ApiError(
            409,
            "illegal_transition",
            _("The licence no longer allows this measure: %(reason)s") % {"reason": error},
        ) from error
    return _detail(_notice(request, notice_id))
