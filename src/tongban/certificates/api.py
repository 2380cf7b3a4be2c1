"""``/api/v1/certificates``: verify a certificate (public), the holder's certificates, one
certificate's metadata and file, and status changes by staff.

Thin: parse, check the caller may see the certificate (``certificates.view_certificate``),
call ``certificates.actions`` / ``verification``, render. Errors are ``{code, message}``
(400 invalid, 403 forbidden, 404 not_found, 409 illegal_transition).
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.api import ApiError, ErrorOut, Paged
from tongban.org.api_auth import AUTH

from . import actions, services, transitions, verification
from .models import Certificate, CertificateEvent
from .pdf import verification_url

router = Router(tags=["certificates"])


class ReasonOut(Schema):
    code: str
    message: str


class PublicCertificateOut(Schema):
    type_code: str
    type_name: str
    number: str
    holder_name: str = Field(description="a person's name masked (张*明)")
    issuer_name: str
    issue_date: dt.date
    valid_from: dt.date
    valid_to: dt.date | None


class VerdictOut(Schema):
    authentic: bool = Field(description="the record or file is this platform's, unchanged")
    identifier: str | None
    status: str | None = Field(
        description="today's status: valid, suspended, revoked, cancelled, expired, withdrawn"
    )
    status_code: str | None = Field(description="the national code: 01 有效, 02 暂扣, …")
    status_label: str | None
    reasons: list[ReasonOut] = Field(description="every check that failed (empty if authentic)")
    certificate: PublicCertificateOut | None


class EventOut(Schema):
    at: dt.datetime
    action: str
    operation_code: str = Field(description="01 新发, 03 暂扣, 04 过期失效, 05 注销, 06 暂扣发还")
    from_status: str
    to_status: str
    reason: str
    by: str


class CertificateOut(Schema):
    id: int
    identifier: str
    type_code: str
    type_name: str
    number: str
    holder_name: str
    holder_id_type: str
    holder_id_masked: str
    applicant_id: int
    case_id: int | None
    issuer_name: str
    issuer_code: str
    issue_date: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    status_code: str
    status_label: str
    version: str
    previous_identifier: str | None
    data: dict[str, Any]
    metadata_signature: str = Field(description="base64 of the signer's signature")
    signer_key: str = Field(description="SHA-256 of the signer's X.509 certificate")
    file_sha256: str = Field(description="empty until the PDF is rendered")
    verify_url: str


class CertificateDetailOut(CertificateOut):
    events: list[EventOut]


class StatusIn(Schema):
    action: str = Field(description="suspend, restore, revoke, cancel or withdraw")
    reason: str


def _out(certificate: Certificate, today: dt.date) -> dict:
    status = services.effective_status(certificate, today)
    return {
        "id": certificate.pk,
        "identifier": certificate.identifier,
        "type_code": certificate.type_code,
        "type_name": certificate.type_name,
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "holder_id_type": certificate.holder_id_type,
        "holder_id_masked": certificate.holder_id_masked,
        "applicant_id": certificate.applicant_id,
        "case_id": certificate.case_id,
        "issuer_name": certificate.issuer_name,
        "issuer_code": certificate.issuer_code,
        "issue_date": certificate.issue_date,
        "valid_from": certificate.valid_from,
        "valid_to": certificate.valid_to,
        "status": services.status_name(status),
        "status_code": status,
        "status_label": services.status_label(status),
        "version": certificate.version,
        "previous_identifier": certificate.previous.identifier if certificate.previous_id else None,
        "data": certificate.data,
        "metadata_signature": certificate.metadata_signature,
        "signer_key": certificate.signer_key,
        "file_sha256": certificate.file_sha256,
        "verify_url": verification_url(certificate),
    }


def _event_out(event: CertificateEvent) -> dict:
    return {
        "at": event.at,
        "action": event.action,
        "operation_code": event.operation_code,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "by": event.actor_label,
    }


def _certificate(request, certificate_id: int) -> Certificate:
    """The certificate if the caller may see it; 404 otherwise (existence not confirmed)."""
    found = (
        services.visible(
            request.principal, Certificate.objects.select_related("cert_type", "previous")
        )
        .filter(pk=certificate_id)
        .first()
        if -(2**63) <= certificate_id < 2**63
        else None
    )
    if found is None:
        raise Http404("No Certificate matches the given query.")
    return found


# ---------------------------------------------------------------- public verification


@router.get("/verify/{identifier}", response=VerdictOut, auth=None)
def verify_record(request, identifier: str, t: str = ""):
    """Anyone, without logging in: is the certificate named by the QR code's link (its
    identifier and token ``t``) authentic, and what is its status today? Holder's name
    masked; no identifier number."""
    return verification.verify_record(identifier, t).public()


@router.post("/verify", response={200: VerdictOut, 400: ErrorOut}, auth=None)
def verify_file(request, file: File[UploadedFile]):
    """Anyone, without logging in: is this PDF a certificate of this platform, unchanged
    (PAdES signature intact over the whole file, signed by the platform's key, the same
    bytes as issued)? And its status today."""
    return verification.verify_file(file).public()


# ---------------------------------------------------------------- the holder's, staff's


@router.get("/mine", response={200: list[CertificateOut], 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_mine(request):
    """The certificates issued to the logged-in applicant, newest first."""
    user = request.principal.user
    if request.principal.kind != "applicant" or user is None:
        return []
    today = timezone.localdate()
    mine = Certificate.objects.filter(applicant__account=user).select_related("previous")
    return Paged(mine.order_by("-issue_date", "-pk"), lambda c: _out(c, today))


@router.get(
    "/{certificate_id}",
    response={200: CertificateDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def get_certificate(request, certificate_id: int):
    """One certificate's metadata and history: its holder, staff of the issuing agency,
    a platform administrator, or the issuing agency's system (scope ``cases:read``)."""
    certificate = _certificate(request, certificate_id)
    events = certificate.events.order_by("at", "pk")
    return {
        **_out(certificate, timezone.localdate()),
        "events": [_event_out(e) for e in events],
    }


@router.get("/{certificate_id}/file", response={401: ErrorOut, 404: ErrorOut}, auth=AUTH)
def get_file(request, certificate_id: int):
    """The signed PDF (rendered now if it was not yet)."""
    certificate = _certificate(request, certificate_id)
    response = HttpResponse(actions.pdf_bytes(certificate), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{certificate.type_name}-{certificate.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/{certificate_id}/status",
    response={200: CertificateDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
              404: ErrorOut, 409: ErrorOut},
    auth=AUTH,
)  # fmt: skip
def change_status(request, certificate_id: int, payload: StatusIn):
    """暂扣 suspend, 暂扣发还 restore, 撤销 revoke, 注销 cancel, 吊销 withdraw, with a reason:
    a section chief of the issuing agency or a platform administrator (staff sessions)."""
    certificate = _certificate(request, certificate_id)
    if request.principal.kind != "staff":
        raise ApiError(403, "forbidden", _("Status changes are made by staff, logged in."))
    if payload.action not in transitions.STAFF_ACTIONS:
        raise ApiError(
            400,
            "invalid",
            _("Unknown action; choose one of: %(actions)s.")
            % {"actions": ", ".join(transitions.STAFF_ACTIONS)},
        )
    try:
        changed = actions.change_status(
            request.principal, certificate, payload.action, reason=payload.reason
        )
    except transitions.IllegalTransition as error:
        raise ApiError(409, "illegal_transition", str(error)) from error
    return get_certificate(request, changed.pk)
