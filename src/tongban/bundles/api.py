"""Applying for a bundle (一件事一链办); what bundles there are is the catalog's
(``/catalog/bundles``, with the combined questions and the one form).

Thin: each endpoint parses, calls ``actions`` and returns the application with its parts.
Each part is an ordinary case: its own endpoints (``/cases/{id}``) serve its details,
materials of its own and the actions of the agency that decides it.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.models import Channel, Status
from tongban.catalog.models import Bundle
from tongban.core.api import ErrorOut, Paged
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import Applicant
from tongban.org.policy import Principal

from . import actions
from .models import BundleCase, BundleStatus, Outcome

router = Router(tags=["bundles"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ApplicationIn(Schema):
    applicant: int | None = Field(None, description="staff and agents: whom they file for")
    channel: str = Channel.PORTAL
    form_data: dict[str, Any] = Field(default_factory=dict, description="the one form")
    answers: dict[str, str] = Field(
        default_factory=dict,
        description="the bundle's combined questions: question text → answer text",
    )


class ApplicationOut(Schema):
    id: int
    code: str | None
    bundle: str
    bundle_name: str
    applicant_id: int
    status: str
    status_label: str
    form_data: dict[str, Any]
    created_at: Any
    submitted_at: Any
    due: Any
    finished_at: Any
    revision: int
    parts: list[dict[str, Any]]
    missing: list[dict[str, Any]] = Field(
        description="a draft's materials still to upload (in an application's detail only)"
    )


class RevisionIn(Schema):
    revision: int | None = None


class HandoverIn(Schema):
    recipient_name: str
    id_checked: bool = False


def _out(parent: BundleCase, *, with_missing: bool = True) -> dict:
    parts = [
        {
            "case_id": m.case_id,
            "code": m.case.code,
            "item": m.case.item_version.name,
            "agency": m.case.deciding_agency.name,
            "status": m.case.status,
            "status_label": str(Status(m.case.status).label),
            "outcome": m.outcome,
            "outcome_label": str(Outcome(m.outcome).label),
            "promised_due": m.case.promised_due,
        }
        for m in actions.members(parent)
    ]
    return {
        "id": parent.pk,
        "code": parent.code,
        "bundle": parent.bundle.code,
        "bundle_name": parent.bundle.name,
        "applicant_id": parent.applicant_id,
        "status": parent.status,
        "status_label": str(BundleStatus(parent.status).label),
        "form_data": parent.form_data,
        "created_at": parent.created_at,
        "submitted_at": parent.submitted_at,
        "due": parent.due,
        "finished_at": parent.finished_at,
        "revision": parent.revision,
        "parts": parts,
        "missing": actions.missing(parent)
        if with_missing and parent.status == BundleStatus.DRAFT
        else [],
    }


def _application(request, pk: int) -> BundleCase:
    parent = actions.application(pk)
    if parent is None:
        raise Http404("No application matches the given query.")
    if not actions.may_view(request.principal, parent):
        raise policy.OutOfScope(_("You can only see your own applications."))
    return parent


def _applicant(principal: Principal, wanted: int | None) -> Applicant:
    if principal.kind == "applicant":
        applicant = getattr(principal.user, "applicant", None)
        if applicant is None or wanted not in (None, applicant.pk):
            raise policy.OutOfScope(_("Applicants apply for themselves."))
        return applicant
    if wanted is None:
        raise ValidationError(_("Name the applicant (their applicant id)."), code="applicant")
    return get_object_or_404(
        policy.visible(principal, "org.view_applicant", Applicant.objects.all()), pk=wanted
    )


@router.get("/applications", response=list[ApplicationOut], auth=AUTH)
@paginate(PageNumberPagination)
def list_applications(request):
    """The caller's own applications (an applicant's, or those an agent filed), newest
    first."""
    user = request.principal.user
    if user is None:
        return []
    mine = BundleCase.objects.filter(
        Q(applicant__account=user) | Q(submitted_by=user)
    ).select_related("bundle", "applicant")
    # Only the page is read; what a draft still lacks is in each application's detail.
    return Paged(mine, lambda parent: _out(parent, with_missing=False))


@router.post("/{code}/applications", response={201: ApplicationOut, **ERRORS}, auth=AUTH)
def start_application(request, code: str, payload: ApplicationIn):
    """A draft application: one case per item, each routed to the agency that decides it."""
    bundle = get_object_or_404(Bundle, code=code, is_active=True)
    principal = request.principal
    parent = actions.start(
        principal,
        bundle,
        applicant=_applicant(principal, payload.applicant),
        channel=payload.channel,
        form_data=payload.form_data,
        answers=payload.answers,
    )
    return Reply(201, _out(parent))


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERRORS}, auth=AUTH)
def get_application(request, application_id: int):
    """The application, each part's status, outcome and promise, and what is missing."""
    return _out(_application(request, application_id))


@router.post(
    "/applications/{application_id}/materials",
    response={200: ApplicationOut, **ERRORS},
    auth=AUTH,
)
def upload_material(request, application_id: int, material: Form[str], file: File[UploadedFile]):
    """One file for every part whose guide asks for ``material`` (its name as the
    application's ``missing`` list gives it). A material only one part needs is uploaded
    the same way."""
    parent = _application(request, application_id)
    actions.attach_shared(request.principal, parent, material, file, name=file.name)
    return _out(_application(request, application_id))


@router.post(
    "/applications/{application_id}/submit", response={200: ApplicationOut, **ERRORS}, auth=AUTH
)
def submit_application(request, application_id: int, payload: RevisionIn):
    """Every part submitted at once; refused, naming every gap, while any is missing."""
    parent = _application(request, application_id)
    return _out(actions.submit(request.principal, parent, revision=payload.revision))


@router.post(
    "/applications/{application_id}/deliver", response={200: ApplicationOut, **ERRORS}, auth=AUTH
)
def deliver_application(request, application_id: int, payload: HandoverIn):
    """The results of all parts handed over together at the window."""
    parent = _application(request, application_id)
    actions.deliver_all(
        request.principal,
        parent,
        recipient_name=payload.recipient_name,
        id_checked=payload.id_checked,
    )
    return _out(_application(request, application_id))
