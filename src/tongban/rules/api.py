"""Decision rules (审批规则) through the API: list and read them, upload a JDM file as a
new revision, download it, change its mode, run it on sample inputs (the test bench),
and read a case's evaluations (the reason for its decision).

Errors are ``{"code", "message"}``: 400 bad file or input (nothing saved), 403 not a
catalog administrator, 404 no such rule or case.
"""

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.api import visible_case
from tongban.catalog.models import ItemVersion
from tongban.core.api import ApiError, ErrorOut
from tongban.org import policy
from tongban.org.api_auth import AUTH

from . import services
from .models import DecisionRule, Mode, RuleEvaluation

router = Router(tags=["rules"])

MAX_JDM_BYTES = 2 * 1024 * 1024


class RuleOut(Schema):
    id: int
    item_version: int = Field(alias="item_version_id")
    item_name: str = Field(alias="item_version.name")
    revision: int
    name: str
    sources: list[str]
    effective_from: dt.date
    mode: str
    jdm_sha256: str
    note: str
    uploaded_at: dt.datetime


class ModeIn(Schema):
    mode: str = Field(description="active, monitor or off")
    effective_from: dt.date | None = None


class EvaluateIn(Schema):
    inputs: dict[str, Any] = Field(
        description="form, answers, applicant, context and one entry per data source"
    )


class ResultOut(Schema):
    outcome: str = Field(description="approve, refer or error (never deny)")
    reasons: list[str]
    outputs: Any = None
    trace: Any = None
    duration_us: int


class EvaluationOut(Schema):
    id: int
    rule: int = Field(alias="rule_id")
    rule_name: str = Field(alias="rule.name")
    revision: int
    mode: str
    outcome: str
    reasons: list[str]
    decided: bool
    inputs: dict[str, Any]
    outputs: Any = None
    trace: Any = None
    duration_us: int
    at: dt.datetime


def _rules():
    return DecisionRule.objects.select_related("item_version")


@router.get("", response={200: list[RuleOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_rules(request, item_version: int | None = None):
    """Every revision, newest first per item version (``item_version`` narrows)."""
    policy.require(request.principal, "rules.view")
    rules = _rules().order_by("item_version_id", "-revision")
    if item_version is not None:
        rules = rules.filter(item_version_id=item_version)
    return rules


@router.post("", response={201: RuleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def upload_rule(
    request,
    item_version: Form[int],
    name: Form[str],
    effective_from: Form[dt.date],
    jdm: File[UploadedFile],
    sources: Form[list[str]] = None,  # type: ignore[assignment]
    mode: Form[str] = Mode.MONITOR,
    note: Form[str] = "",
):
    """A JDM file (multipart ``jdm``) as the next revision of the item version's rule
    (catalog administrators). The previous revision's tests are copied to it."""
    policy.require(request.principal, "rules.edit")
    version = get_object_or_404(ItemVersion, pk=item_version)
    if jdm.size and jdm.size > MAX_JDM_BYTES:
        raise ApiError(400, "jdm_too_large", _("The JDM file is larger than 2 MB."))
    rule = services.upload(
        request.principal,
        version,
        jdm.read(),
        name=name,
        sources=sources or [],
        effective_from=effective_from,
        mode=mode,
        note=note,
    )
    return Status(201, _rules().get(pk=rule.pk))


@router.get("/{rule_id}", response={200: RuleOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def get_rule(request, rule_id: int):
    policy.require(request.principal, "rules.view")
    return get_object_or_404(_rules(), pk=rule_id)


@router.get("/{rule_id}/jdm", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def download_jdm(request, rule_id: int):
    """The JDM document, as uploaded."""
    policy.require(request.principal, "rules.view")
    return get_object_or_404(DecisionRule, pk=rule_id).jdm


@router.post(
    "/{rule_id}/mode",
    response={200: RuleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def change_mode(request, rule_id: int, payload: ModeIn):
    """Switch a revision between active, monitor and off (and move its effective date)."""
    rule = get_object_or_404(DecisionRule, pk=rule_id)
    services.set_mode(request.principal, rule, payload.mode, payload.effective_from)
    return _rules().get(pk=rule.pk)


@router.post(
    "/{rule_id}/evaluate",
    response={200: ResultOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def evaluate(request, rule_id: int, payload: EvaluateIn):
    """The test bench: the rule run on these inputs; nothing is recorded."""
    policy.require(request.principal, "rules.view")
    return services.evaluate(get_object_or_404(DecisionRule, pk=rule_id), payload.inputs)


@router.get(
    "/cases/{case_id}/evaluations",
    response={200: list[EvaluationOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def case_evaluations(request, case_id: int):
    """Every evaluation of the case's rules, oldest first: inputs, outputs, trace, and
    which one decided (whoever may view the case)."""
    case = visible_case(request, case_id)
    return RuleEvaluation.objects.filter(case=case).select_related("rule").order_by("at", "pk")
