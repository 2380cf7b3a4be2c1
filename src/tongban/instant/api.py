"""Instant approval through the API: apply and be decided in one call (a phone app, a
department's portal), and read a case's decision with its reasons and certificate."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases import actions
from tongban.cases.api import applicant_for, item_to_apply_for, visible_case
from tongban.cases.models import ONLINE_CHANNELS, Channel
from tongban.core import audit, task_backend
from tongban.core.api import ErrorOut
from tongban.org.api_auth import AUTH
from tongban.rules import services as rules

from . import views_data

router = Router(tags=["instant"])


class InstantApplicationIn(Schema):
    item: str = Field(description="the item's implementation code")
    form_data: dict[str, str] = Field(default_factory=dict)
    answers: list[int] = Field(default_factory=list)
    channel: str = Channel.MOBILE
    applicant: int | None = Field(
        None, description="for an agent or clerk filing for someone; applicants omit it"
    )


class CertificateRef(Schema):
    id: int
    identifier: str
    number: str
    status: str
    download_url: str
    verify_url: str


class EvaluationOut(Schema):
    rule: str
    revision: int
    mode: str
    outcome: str
    reasons: list[str]
    decided: bool


class DecisionOut(Schema):
    case_id: int
    code: str | None
    status: str
    status_label: str
    instant: bool = Field(description="the item is decided by a decision rule in force")
    outcome: str = Field(
        description="approve; refer (a person decides, for the reasons given: the rule's, the "
        "applicant's credit, or a check that failed); empty when no rule decided"
    )
    reasons: list[str]
    evaluations: list[EvaluationOut]
    certificate: CertificateRef | None


class InstantItemOut(Schema):
    item: str
    name: str


@router.get("/items", response=list[InstantItemOut], auth=None)
@paginate(PageNumberPagination)
def instant_items(request):
    """Items decided instantly today (an active decision rule), for a phone's menu."""
    return views_data.instant_items()


@router.post(
    "/apply",
    response={201: DecisionOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def apply(request, payload: InstantApplicationIn):
    """Start and submit an application at once; an item with an active decision rule is
    decided in the same call (approved with its certificate, or referred to a person with
    the reasons). Nothing is kept when the application is refused as incomplete."""
    principal = request.principal
    item = item_to_apply_for(payload.item)
    applicant = applicant_for(principal, payload.applicant)
    if payload.channel not in ONLINE_CHANNELS:
        raise ValidationError(
            _("Apply online through the portal or the mobile app."), code="channel"
        )
    # One transaction, no savepoints, the audit entries appended together at the end with
    # the tasks riding along.
    with rules.kept_for_the_request():  # asked for what to fetch, decide and answer
        with (
            transaction.atomic(),
            actions.batch(),
            task_backend.enqueued_together(),
            audit.deferred(riders=task_backend.rows_to_write),
        ):
            case = actions.start_and_submit(
                principal,
                item,
                applicant=applicant,
                channel=payload.channel,
                answers=payload.answers,
                form_data=payload.form_data,
            )
        return Status(201, views_data.decision_of(case, just_applied=True))


@router.get(
    "/cases/{case_id}", response={200: DecisionOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def decision(request, case_id: int):
    """A case's instant decision: the rule's outcome and reasons, and its certificate."""
    return views_data.decision_of(visible_case(request, case_id))
