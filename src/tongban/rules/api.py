"""Decision rules through the API: list and read them, upload a JDM file as a new
revision, download it, change its mode, run it on sample inputs (the test bench), and
read a case's evaluations (the reason for its decision)."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.core.api import ErrorOut
from tongban.org import policy
from tongban.org.api_auth import AUTH

from . import services
from .models import DecisionRule, Mode

router = Router(tags=["rules"])


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
    inputs: dict[str, Any]


class ResultOut(Schema):
    outcome: str
    reasons: list[str]
    outputs: Any = None
    trace: Any = None
    duration_us: int


class EvaluationOut(Schema):
    id: int
    rule: int = Field(alias="rule_id")
    revision: int
    mode: str
    outcome: str
    reasons: list[str]
    decided: bool
    inputs: dict[str, Any]
    outputs: Any = None
    trace: Any = None
    at: dt.datetime


def _staff(request) -> None:
    if request.principal.kind not in ("staff", "client"):
        raise PermissionDenied(_("Decision rules are for staff."))


@router.get("", response={200: list[RuleOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_rules(request, item_version: int | None = None):
    _staff(request)
    rules = DecisionRule.objects.select_related("item_version").order_by(
        "item_version", "-revision"
    )
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
    """A JDM file as the next revision of the item version's rule (catalog administrators)."""
    version = get_object_or_404(ItemVersion, pk=item_version)
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
    return 201, DecisionRule.objects.select_related("item_version").get(pk=rule.pk)


@router.get("/{rule_id}", response={200: RuleOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def get_rule(request, rule_id: int):
    _staff(request)
    return get_object_or_404(DecisionRule.objects.select_related("item_version"), pk=rule_id)


@router.get("/{rule_id}/jdm", response={200: dict, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def download_jdm(request, rule_id: int):
    """The JDM document, as uploaded."""
    _staff(request)
    return get_object_or_404(DecisionRule, pk=rule_id).jdm


@router.post(
    "/{rule_id}/mode", response={200: RuleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)  # fmt: skip
def change_mode(request, rule_id: int, payload: ModeIn):
    rule = get_object_or_404(DecisionRule, pk=rule_id)
    services.set_mode(request.principal, rule, payload.mode, payload.effective_from)
    return DecisionRule.objects.select_related("item_version").get(pk=rule.pk)


@router.post(
    "/{rule_id}/evaluate", response={200: ResultOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def evaluate(request, rule_id: int, payload: EvaluateIn):
    """The test bench: the rule run on these inputs; nothing is recorded."""
    _staff(request)
    result = services.evaluate(get_object_or_404(DecisionRule, pk=rule_id), payload.inputs)
    return result


@router.get(
    "/cases/{case_id}/evaluations",
    response={200: list[EvaluationOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def case_evaluations(request, case_id: int):
    """Every evaluation of the case's rules: inputs, outputs, trace, and which decided."""
    case = Case.objects.filter(pk=case_id).first() if -(2**63) <= case_id < 2**63 else None
    if case is None:
        raise Http404("No Case matches the given query.")
    policy.require(request.principal, "cases.view_case", case)
    return services.evaluations_for(case)
