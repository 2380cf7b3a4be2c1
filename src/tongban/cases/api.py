"""``/api/v1/cases``: applying, uploading, every action of the transition table, lists, the
back-office inbox, a case's detail and history, and the public progress query.

Thin: each endpoint parses, checks the caller may see the case (``cases.view_case``), calls
the same function of ``cases.actions`` / ``cases.queries`` the UI calls, and renders. The
actions decide who may act; their errors map to 400 (ValidationError), 403, and 409
(``illegal_transition``, ``stale``) in ``tongban.api.urls``.
"""

import datetime as dt
import functools
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.throttling import BaseThrottle
from pydantic import BaseModel, ConfigDict

from tongban.catalog.guide import IncompleteAnswers
from tongban.catalog.models import Item, Material
from tongban.core.api import ApiError, ErrorOut
from tongban.core.sql import Prepared
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import Applicant, ServicePoint, Window
from tongban.org.policy import Principal

from . import actions, deadlines, hooks, permissions, queries, transitions
from .models import (
    ONLINE_CHANNELS,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Channel,
    Commitment,
    RefusalRequest,
    Status,
    SupplementRequest,
    WarningLevel,
)

router = Router(tags=["cases"])

# ---------------------------------------------------------------- output schemas


class LabelledOut(Schema):
    value: str
    label: str


class StepOut(Schema):
    index: int
    kind: str
    role: str
    started_at: dt.datetime | None
    due: dt.datetime | None = Field(
        None,
        description="the step's share of the promised limit runs out (staff only; "
        "null for the applicant and when the step ends with the promise)",
    )
    warning_level: str = Field("green", description="green / yellow / red / overdue")


class CaseOut(BaseModel):
    # Plain pydantic, not ninja's Schema: case lists are built as dicts, which pydantic
    # validates natively; ninja's wrapper reads every field of every row through Python.
    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str | None
    item: str = Field(description="the item's implementation code")
    item_name: str
    version: int
    applicant_id: int
    applicant_name: str
    channel: str
    status: str
    status_label: str
    deciding_agency_id: int
    deciding_agency: str
    service_point_id: int | None
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    acceptance_due: dt.datetime | None
    promised_due: dt.datetime | None
    warning_level: str
    revision: int


class CaseMaterialOut(Schema):
    id: int
    material_id: int | None
    material: str | None = Field(None, description="the material of the guide")
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    superseded: bool


class GuideMaterialOut(Schema):
    id: int
    name: str
    necessity: str


class SupplementOut(Schema):
    id: int
    stage: str
    materials: list[GuideMaterialOut]
    problems: dict[str, str]
    conditions: list[str]
    note: str
    requested_at: dt.datetime
    due: dt.datetime | None
    answered_at: dt.datetime | None


class RefusalOut(Schema):
    id: int
    kind: str
    reason: str
    requested_at: dt.datetime
    outcome: str
    decided_at: dt.datetime | None
    decision_note: str


class CaseDetailOut(CaseOut):
    channel_label: str
    case_type: str
    answers: list[int]
    form_data: dict[str, str]
    window_id: int | None
    window_kind: str
    pickup_point_id: int | None
    accepted_at: dt.datetime | None
    decided_at: dt.datetime | None
    closed_at: dt.datetime | None
    promised_limit: int
    limit_unit: str
    statutory_limit: int
    extension_days: int
    statutory_due: dt.datetime | None
    deferred_due: dt.datetime | None
    due_estimated: bool = Field(
        description="part of the period lies in a year whose holiday schedule is not published"
    )
    warning: LabelledOut = Field(description="the warning level now, with its label")
    overdue_reason: str
    step: StepOut | None
    materials: list[CaseMaterialOut]
    missing_materials: list[GuideMaterialOut] | None = Field(
        description="materials of the guide still to be received (null: questions unanswered)"
    )
    supplements: list[SupplementOut]
    refusals: list[RefusalOut]
    allowed_actions: list[str] = Field(
        description="actions the caller may take now (POST /cases/{id}/actions/{action})"
    )


class EventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    status_label: str
    actor: str
    note: str
    public: bool


class ProgressStepOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    status_label: str


class ProgressOut(Schema):
    code: str
    item_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    deadline: dt.datetime | None = Field(description="the deadline of the current stage")
    due_estimated: bool
    overdue_reason: str
    timeline: list[ProgressStepOut]


# ---------------------------------------------------------------- input schemas


class ApplicationIn(Schema):
    item: str = Field(description="the item's implementation code")
    applicant: int | None = Field(
        None, description="applicant id; applicants apply for themselves and leave it out"
    )
    channel: Channel = Channel.PORTAL
    answers: list[int] = Field(default_factory=list, description="ids of the chosen answers")
    form_data: dict[str, Any] = Field(default_factory=dict)
    service_point: int | None = Field(None, description="where the application is received")
    window: int | None = None


class DraftIn(Schema):
    answers: list[int] | None = None
    form_data: dict[str, Any] | None = None
    revision: int | None = Field(None, description="the revision you last saw (409 if changed)")


class RevisionIn(Schema):
    revision: int | None = Field(
        None,
        description="the case's revision as you last saw it; if someone changed the case "
        "since, the action is refused with 409 `stale` and nothing changes",
    )


class NoteIn(RevisionIn):
    note: str = ""


class ReasonIn(RevisionIn):
    reason: str


class OptionalReasonIn(RevisionIn):
    reason: str = ""


class ReviewIn(NoteIn):
    delay_reason: str = Field("", description="required once the case is past its deadline")


class DenyIn(ReasonIn):
    delay_reason: str = ""


class OverturnIn(RevisionIn):
    note: str


class PlaceIn(RevisionIn):
    service_point: int | None = Field(None, description="the service point accepting it")
    window: int | None = None


class SupplementIn(RevisionIn):
    materials: list[int] = Field(default_factory=list, description="material ids of the guide")
    problems: dict[int, str] = Field(
        default_factory=dict, description="material id → what is wrong with it"
    )
    conditions: list[str] = Field(
        default_factory=list, description="conditions of the guide, one line each"
    )
    note: str = ""


class TolerantIn(PlaceIn):
    deferred: list[int] = Field(description="ids of the deferrable materials that may follow")
    due: dt.date


class CommitmentIn(PlaceIn):
    materials: list[int] = Field(
        default_factory=list, description="ids of the materials the commitment replaces"
    )
    text: str = Field("", description="the commitment signed on paper; empty when signed online")
    check_due: dt.date | None = Field(
        None, description="the post-check's due date; signed online: the item's working days"
    )


class SignCommitmentIn(RevisionIn):
    signer_name: str = Field(description="the applicant's full name, as a signature")
    read_notice: bool = Field(description="the applicant read the whole notice (required)")


class SpecialProcedureIn(RevisionIn):
    procedure: CasePause.Procedure
    expected_days: int
    reason: str = ""


class ExtendIn(RevisionIn):
    days: int
    reason: str


class DeliverIn(RevisionIn):
    recipient_name: str
    id_checked: bool = False
    method: str = "window"
    service_point: int | None = None


class PostCheckIn(RevisionIn):
    kept: bool
    note: str


class ProgressIn(Schema):
    code: str
    tail: str = Field(description="the last 4 characters of the applicant's phone or ID number")


# ---------------------------------------------------------------- helpers


def _principal(request) -> Principal:
    return request.principal


def _cases() -> QuerySet:
    return Case.objects.select_related(
        "item",
        "item_version",
        "applicant",
        "deciding_agency__region",
        "service_point__region",
        "pickup_point__region",
    )


# ``_cases()`` by id, compiled once per process; for the detail also with its commitment
# (``allowed_actions`` asks for it), so that is not one more query.
_CASE = Prepared(lambda pk: _cases().filter(pk=pk))
_DETAIL_CASE = Prepared(lambda pk: _cases().select_related("commitment").filter(pk=pk))
# What the detail shows of a case, each in the order of its model (as the related managers).
_MATERIALS = Prepared(lambda pk: CaseMaterial.objects.filter(case_id=pk).select_related("material"))
_SUPPLEMENTS = Prepared(lambda pk: SupplementRequest.objects.filter(case_id=pk))
_REFUSALS = Prepared(lambda pk: RefusalRequest.objects.filter(case_id=pk))
# Which of those a case has at all (most have no supplement or refusal): one query, and
# then only the lists that are not empty are read.
_HAS = Prepared(
    lambda pk: Case.objects.filter(pk=pk).values(
        has_materials=Exists(CaseMaterial.objects.filter(case_id=OuterRef("pk"))),
        has_supplements=Exists(SupplementRequest.objects.filter(case_id=OuterRef("pk"))),
        has_refusals=Exists(RefusalRequest.objects.filter(case_id=OuterRef("pk"))),
    )
)


def visible_case(request, case_id: int, *, detail: bool = False) -> Case:
    """The case, if the caller may see it (404 if none, 403 if not theirs).

    ``detail``: read as :func:`_detail` wants it (with the commitment)."""
    # Beyond a bigint no row can match (the ORM answers such ids with "none", too).
    in_range = -(2**63) <= case_id < 2**63
    case = (_DETAIL_CASE if detail else _CASE).first(case_id) if in_range else None
    if case is None:
        raise Http404("No Case matches the given query.")
    policy.require(_principal(request), "cases.view_case", case)
    return case


_case = visible_case  # the name this module's endpoints use


def _by_ids(model, ids, what: str) -> list:
    ids = list(dict.fromkeys(ids))
    found = model.objects.in_bulk(ids)
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise ValidationError(
            _("Unknown %(what)s: %(ids)s") % {"what": what, "ids": ", ".join(unknown)},
            code="unknown",
        )
    return [found[pk] for pk in ids]


def _materials(ids: list[int]) -> list[Material]:
    return _by_ids(Material, ids, _("material"))


_POINT = Prepared(lambda pk: ServicePoint.objects.filter(pk=pk))
_WINDOW = Prepared(lambda pk: Window.objects.select_related("service_point").filter(pk=pk))


def _one(prepared: Prepared, pk: int | None, what: str):
    """The row of a single id given in a request (every window action names its place)."""
    if pk is None:
        return None
    found = prepared.first(pk) if -(2**63) <= pk < 2**63 else None
    if found is None:
        raise ValidationError(
            _("Unknown %(what)s: %(ids)s") % {"what": what, "ids": pk}, code="unknown"
        )
    return found


def _point(pk: int | None) -> ServicePoint | None:
    return _one(_POINT, pk, _("service point"))


def _window(pk: int | None) -> Window | None:
    return _one(_WINDOW, pk, _("window"))


def _sees_internals(principal: Principal, case: Case) -> bool:
    """Staff working on the case (and its agency's system) see what applicants do not."""
    if principal.kind in {"system", "client"} or principal.is_platform_admin:
        return True
    if principal.kind != "staff":
        return False
    points = principal.service_point_ids()
    return (
        permissions.in_agency(principal, case)
        or case.service_point_id in points
        or case.pickup_point_id in points
        or permissions.is_clerk_for(principal, case)
    )


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# What a summary shows, read as columns (``values()``): no model instances per row.
SUMMARY_FIELDS = (
    "id",
    "code",
    "item__impl_code",
    "item_version__name",
    "item_version__number",
    "applicant_id",
    "applicant__name",
    "channel",
    "status",
    "deciding_agency_id",
    "deciding_agency__name",
    "service_point_id",
    "created_at",
    "submitted_at",
    "acceptance_due",
    "promised_due",
    "warning_level",
    "revision",
)


class Summaries:
    """A case list the paginator slices in the database: only the page is read and turned
    into summaries (a list of every row would read an agency's whole backlog)."""

    def __init__(self, queryset) -> None:
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        rows = self.queryset.values(*SUMMARY_FIELDS)
        if isinstance(index, slice):
            return _summary_rows(rows[index])
        return _summary_rows([rows[index]])[0]


class InboxSummaries:
    """The back-office inbox (``queries.BackOfficeInbox``: precompiled COUNT and page),
    sliced by the paginator like :class:`Summaries`."""

    def __init__(self, inbox: queries.BackOfficeInbox) -> None:
        self.inbox = inbox

    def __len__(self) -> int:
        return len(self.inbox)

    def __getitem__(self, index: slice) -> list[dict]:
        return _summary_rows(self.inbox[index])


def _summary_rows(rows) -> list[dict]:
    """Summaries from the ``SUMMARY_FIELDS`` of cases: the same as :func:`_summary`."""
    labels: dict[str, str] = {}  # each status translated once per page
    summaries = []
    for row in rows:
        status = row["status"]
        label = labels.get(status)
        if label is None:
            label = labels[status] = _label(Status, status)
        summaries.append(_summary_row(row, label))
    return summaries


def _summary_row(row: dict, status_label: str) -> dict:
    return {
        "id": row["id"],
        "code": row["code"],
        "item": row["item__impl_code"],
        "item_name": row["item_version__name"],
        "version": row["item_version__number"],
        "applicant_id": row["applicant_id"],
        "applicant_name": row["applicant__name"],
        "channel": row["channel"],
        "status": row["status"],
        "status_label": status_label,
        "deciding_agency_id": row["deciding_agency_id"],
        "deciding_agency": row["deciding_agency__name"],
        "service_point_id": row["service_point_id"],
        "created_at": row["created_at"],
        "submitted_at": row["submitted_at"],
        "acceptance_due": row["acceptance_due"],
        "promised_due": row["promised_due"],
        "warning_level": row["warning_level"],
        "revision": row["revision"],
    }


def _summary(case: Case) -> dict:
    """The summary of one case read as a model (the detail), as lists build it from
    columns: ``item__impl_code`` is ``case.item.impl_code``."""
    row = {name: functools.reduce(getattr, name.split("__"), case) for name in SUMMARY_FIELDS}
    return _summary_row(row, _label(Status, case.status))


def _guide_material(material: Material) -> dict:
    return {"id": material.pk, "name": material.name, "necessity": material.necessity}


def _material_out(received: CaseMaterial) -> dict:
    return {
        "id": received.pk,
        "material_id": received.material_id,
        "material": received.material.name if received.material else None,
        "original_name": received.original_name,
        "content_type": received.content_type,
        "size": received.size,
        "sha256": received.sha256,
        "uploaded_at": received.uploaded_at,
        "superseded": received.superseded,
    }


def allowed_actions(principal: Principal, case: Case) -> list[str]:
    """What the table allows from the case's status and the caller may take, in table order,
    plus the two actions that change no status (a delay's reason, a commitment's check)."""
    names = [
        t.action
        for t in transitions.available(case.status)
        if t.action in ACTIONS and permissions.may(principal, case, t)
    ]
    if deadlines.is_overdue(case, timezone.now()) and case.closed_at is None:
        # The same check ``actions.explain_delay`` makes: whoever may move the case on.
        transition = transitions.TRANSITIONS.get(
            (case.status, "complete_step")
        ) or transitions.TRANSITIONS.get((Status.IN_REVIEW, "extend"))
        if permissions.may(principal, case, transition):
            names.append("explain_delay")
    if (
        "post_check" in ACTIONS
        and hasattr(case, "commitment")
        and case.commitment.check_result == Commitment.CheckResult.PENDING
        and permissions.in_agency(principal, case)
    ):
        names.append("post_check")
    return list(dict.fromkeys(names))


def _detail(
    principal: Principal,
    case: Case,
    *,
    fresh: bool = False,
    kept_materials: list[CaseMaterial] | None = None,
) -> dict:
    """``fresh``: the case was just read by ``_case``, or is the row an action saved.
    ``kept_materials``: its files as the action read them (``actions.case_materials``),
    when the action changed none of them, nor the case's supplements and refusals."""
    if not fresh:
        case = _DETAIL_CASE.first(case.pk)
    internal = _sees_internals(principal, case)
    now = timezone.now()
    level = deadlines.level(case, now)
    missing = None
    if case.status in {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.NEEDS_SUPPLEMENT,
        Status.ACCEPTED_TOLERANT,
    }:
        try:
            missing = [_guide_material(m) for m in actions.missing_materials(case)]
        except IncompleteAnswers:
            missing = None
    else:
        missing = []
    materials = kept_materials if kept_materials is not None else actions.case_materials(case)
    if materials:
        has = vars(materials[0])
    else:
        has = _HAS.first(case.pk) or {}
        materials = _MATERIALS.rows(case.pk) if has.get("has_materials") else []
    refusals = _REFUSALS.rows(case.pk) if has.get("has_refusals") else []
    if not internal:
        # A proposed refusal is the chief's to decide; the applicant hears the outcome.
        refusals = [r for r in refusals if r.outcome == RefusalRequest.Outcome.CONFIRMED]
    supplements = _SUPPLEMENTS.rows(case.pk) if has.get("has_supplements") else []
    if supplements:
        prefetch_related_objects(supplements, "materials")
    return {
        **_summary(case),
        "channel_label": _label(Channel, case.channel),
        "case_type": case.case_type,
        "answers": case.answers,
        "form_data": case.form_data,
        "window_id": case.window_id,
        "window_kind": case.window_kind,
        "pickup_point_id": case.pickup_point_id,
        "accepted_at": case.accepted_at,
        "decided_at": case.decided_at,
        "closed_at": case.closed_at,
        "promised_limit": case.promised_limit,
        "limit_unit": case.limit_unit,
        "statutory_limit": case.statutory_limit,
        "extension_days": case.extension_days,
        "statutory_due": case.statutory_due,
        "deferred_due": case.deferred_due,
        "due_estimated": case.due_estimated,
        "warning_level": level,
        "warning": {"value": level, "label": _label(WarningLevel, level)},
        "overdue_reason": case.overdue_reason,
        "step": (
            {
                "index": case.step_index,
                "kind": case.step_kind,
                "role": case.step_role,
                "started_at": case.step_started_at,
                "due": case.step_due if internal else None,
                "warning_level": deadlines.step_level(case, now) if internal else "green",
            }
            if case.step_kind
            else None
        ),
        "materials": [_material_out(m) for m in materials],
        "missing_materials": missing,
        "supplements": [
            {
                "id": s.pk,
                "stage": s.stage,
                "materials": [_guide_material(m) for m in s.materials.all()],
                "problems": s.problems,
                "conditions": s.conditions,
                "note": s.note,
                "requested_at": s.requested_at,
                "due": s.due,
                "answered_at": s.answered_at,
            }
            for s in supplements
        ],
        "refusals": [
            {
                "id": r.pk,
                "kind": r.kind,
                "reason": r.reason,
                "requested_at": r.requested_at,
                "outcome": r.outcome,
                "decided_at": r.decided_at,
                "decision_note": r.decision_note if internal else "",
            }
            for r in refusals
        ],
        "allowed_actions": allowed_actions(principal, case),
    }


WRITE = {200: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

# ---------------------------------------------------------------- lists


def _overdue(now: dt.datetime) -> Q:
    # As ``deadlines.level``: a paused clock or a result waiting for pickup is not late.
    running = Q(status__in=OPEN_STATUSES) & ~Q(
        status__in=[Status.RESULT_ISSUED, Status.SPECIAL_PROCEDURE, Status.NEEDS_SUPPLEMENT]
    )
    return running & (
        Q(accepted_at__isnull=True, acceptance_due__lt=now)
        | Q(accepted_at__isnull=False, promised_due__lt=now)
    )


@router.get("", response={200: list[CaseOut], 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_cases(
    request,
    status: list[Status] | None = Query(None, description="one or more statuses"),  # noqa: B008
    item: str | None = Query(None, description="the item's implementation code"),
    deciding_agency: int | None = None,
    warning_level: WarningLevel | None = None,
    overdue: bool | None = None,
):
    """The cases the caller may see, by deadline (soonest first)."""
    cases = policy.visible(_principal(request), "cases.view_case", _cases())
    if status:
        cases = cases.filter(status__in=status)
    if item:
        cases = cases.filter(item__impl_code=item)
    if deciding_agency is not None:
        cases = cases.filter(deciding_agency_id=deciding_agency)
    if warning_level is not None:
        cases = cases.filter(warning_level=warning_level)
    if overdue is not None:
        late = _overdue(timezone.now())
        cases = cases.filter(late) if overdue else cases.exclude(late)
    due = Coalesce("promised_due", "acceptance_due")
    return Summaries(cases.order_by(due.asc(nulls_last=True), "pk"))


QUEUES: dict[str, Callable[[Principal], QuerySet]] = {
    "back_office": queries.back_office_inbox,
    "window": queries.window_queue,
    "online": queries.online_queue,
    "pickup": queries.pickup_list,
}


@router.get("/inbox", response={200: list[CaseOut], 400: ErrorOut, 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def inbox(
    request,
    queue: str = Query(
        "back_office",
        description="back_office (the caller's roles in their agency), window (awaiting "
        "acceptance at the caller's hall), online (online applications the caller may "
        "accept), pickup (results ready at the caller's hall)",
    ),
    role: str | None = Query(None, description="back_office only: one of the caller's roles"),
):
    """What the caller has to act on, by deadline."""
    if queue not in QUEUES:
        raise ApiError(
            400,
            "invalid_queue",
            _("%(value)s is not one of: %(choices)s")
            % {"value": queue, "choices": ", ".join(QUEUES)},
        )
    principal = _principal(request)
    if queue == "back_office":
        return InboxSummaries(queries.BackOfficeInbox(principal, SUMMARY_FIELDS, role=role))
    return Summaries(QUEUES[queue](principal))


class PostCheckOut(Schema):
    case: int
    code: str | None
    item: str
    applicant: str
    deciding_agency: str
    version: str = Field(description="the notice signed (empty: signed on paper)")
    signed_at: dt.datetime
    check_due: dt.date
    overdue: bool


@router.get("/post-checks", response={200: list[PostCheckOut], 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def post_checks(request):
    """告知承诺: the commitments awaiting their post-check in the caller's agencies (all of
    them for a platform administrator), the most urgent first. Record a result with the
    case action ``post_check``."""
    principal = _principal(request)
    pending = Commitment.objects.filter(
        check_result=Commitment.CheckResult.PENDING, check_due__isnull=False
    ).select_related("case__item_version", "case__applicant", "case__deciding_agency")
    if not principal.is_platform_admin:
        pending = pending.filter(case__deciding_agency_id__in=principal.agency_ids())
    today = timezone.localdate()
    return [
        {
            "case": c.case_id,
            "code": c.case.code,
            "item": c.case.item_version.name,
            "applicant": c.case.applicant.name,
            "deciding_agency": c.case.deciding_agency.name,
            "version": c.text_version,
            "signed_at": c.signed_at,
            "check_due": c.check_due,
            "overdue": c.check_due < today,
        }
        for c in pending.order_by("check_due", "pk")
    ]


# ---------------------------------------------------------------- the public progress query

TAIL = re.compile(r"^[0-9X]{4}$")
# Per address: queries in a window; per case code: wrong answers in a window. Past the
# second, even the right tail is refused for a while, so 10,000 tails cannot be tried.
PROGRESS_PER_ADDRESS = (30, 600)
PROGRESS_FAILURES_PER_CODE = (5, 3600)


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired meanwhile, or a cache that keeps nothing
        cache.set(key, 1, window)
        return 1


def _too_many() -> ApiError:
    return ApiError(
        429,
        "too_many_requests",
        _(
            "Too many progress queries. Please wait a while and try again, or ask at any "
            "service window or call the service hotline."
        ),
    )


def _no_match() -> ApiError:
    # The same answer for an unknown code and a wrong tail: the code alone reveals nothing.
    return ApiError(
        404,
        "no_match",
        _(
            "No case matches this code and these digits. Check the case code on your "
            "receipt and the last 4 digits of your phone or ID number."
        ),
    )


def _tails(applicant: Applicant | None) -> list[str]:
    if applicant is None:
        return ["\0" * 4, "\0" * 4]  # compared all the same, so timing tells nothing
    return [applicant.phone[-4:].upper(), applicant.id_number_masked[-4:].upper()]


@router.post(
    "/progress",
    response={200: ProgressOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,  # no session either: nothing here depends on who asks, so no CSRF token
)
def progress(request, payload: ProgressIn):
    """Anyone: a case's status and public timeline, given its code and the last 4 digits
    of the applicant's phone or ID number. Nothing personal is returned.

    A POST, so that the digits stay out of addresses, logs and caches.
    """
    address = BaseThrottle().get_ident(request) or "-"
    limit, window = getattr(settings, "TONGBAN_PROGRESS_PER_ADDRESS", PROGRESS_PER_ADDRESS)
    if _count(f"cases:progress:ip:{address}", window) > limit:
        raise _too_many()
    code = payload.code.strip().upper()
    tail = payload.tail.strip().upper()
    code_key = "cases:progress:code:" + hashlib.sha256(code.encode()).hexdigest()
    failures, failure_window = getattr(
        settings, "TONGBAN_PROGRESS_FAILURES_PER_CODE", PROGRESS_FAILURES_PER_CODE
    )
    if (cache.get(code_key) or 0) >= failures:
        raise _too_many()
    case = (
        Case.objects.select_related("item_version", "applicant").filter(code=code).first()
        if code
        else None
    )
    matched = False
    for candidate in _tails(case.applicant if case else None):
        matched |= hmac.compare_digest(candidate.encode(), tail.encode())
    if case is None or not TAIL.match(tail) or not matched:
        _count(code_key, failure_window)
        raise _no_match()
    events = case.events.filter(public=True).order_by("at", "pk")
    return {
        "code": case.code,
        "item_name": case.item_version.name,
        "status": case.status,
        "status_label": _label(Status, case.status),
        "submitted_at": case.submitted_at,
        "deadline": case.acceptance_due if case.accepted_at is None else case.promised_due,
        "due_estimated": case.due_estimated,
        "overdue_reason": case.overdue_reason,
        "timeline": [
            {
                "at": e.at,
                "action": e.action,
                "action_label": str(transitions.ACTION_LABELS.get(e.action, e.action)),
                "status_label": _label(Status, e.to_status),
            }
            for e in events
        ],
    }


# ---------------------------------------------------------------- applying


# Every application by an applicant account reads its applicant (compiled once).
_APPLICANT_OF_ACCOUNT = Prepared(lambda user_id: Applicant.objects.filter(account_id=user_id))
# Every application reads its item by code (compiled once per process).
_ITEM_BY_CODE = Prepared(lambda code: Item.objects.select_related("agency").filter(impl_code=code))


def item_to_apply_for(code: str) -> Item:
    """The item an application names by its implementation code; 404 naming the code
    when there is none (an integrator's typo should say what was not found)."""
    item = _ITEM_BY_CODE.first(code)
    if item is None:
        raise ApiError(
            404, "unknown_item", _("No service item has the code “%(code)s”.") % {"code": code}
        )
    return item


def applicant_for(principal: Principal, requested: int | None) -> Applicant:
    """Whom an application is for: an applicant account files for itself only; agents,
    clerks and department systems name an applicant they may see."""
    if principal.kind == "applicant":
        applicant = _APPLICANT_OF_ACCOUNT.first(principal.user.pk)
        if applicant is None or requested not in (None, applicant.pk):
            raise policy.OutOfScope(_("Applicants apply for themselves."))
        applicant.account = principal.user  # the case's notices go to it: not read again
        return applicant
    if requested is None:
        raise ValidationError(_("Name the applicant (their applicant id)."), code="applicant")
    return get_object_or_404(
        policy.visible(principal, "org.view_applicant", Applicant.objects.all()), pk=requested
    )


@router.post(
    "", response={201: CaseDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def start_application(request, payload: ApplicationIn):
    """Start an application (a draft) under the item's version in force today."""
    principal = _principal(request)
    item = item_to_apply_for(payload.item)
    applicant = applicant_for(principal, payload.applicant)
    if principal.kind == "applicant" and payload.channel not in ONLINE_CHANNELS:
        raise ValidationError(
            _("Applicants apply online through the portal or the mobile app."), code="channel"
        )
    case = actions.start_application(
        principal,
        item,
        applicant=applicant,
        channel=payload.channel,
        answers=payload.answers,
        form_data=payload.form_data,
        service_point=_point(payload.service_point),
        window=_window(payload.window),
    )
    return Reply(201, _detail(principal, case))


@router.get("/{case_id}", response={200: CaseDetailOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def get_case(request, case_id: int):
    """Status, deadlines, warning, current step, materials, supplement and refusal
    requests, and the actions the caller may take."""
    return _detail(_principal(request), _case(request, case_id, detail=True), fresh=True)


@router.patch("/{case_id}", response=WRITE, auth=AUTH)
def edit_draft(request, case_id: int, payload: DraftIn):
    """Change the answers or the form of a draft (or of a case awaiting a supplement)."""
    case = _case(request, case_id)
    principal = _principal(request)
    actions.update_draft(
        principal,
        case,
        answers=payload.answers,
        form_data=payload.form_data,
        revision=payload.revision,
    )
    return _detail(principal, case)


@router.get(
    "/{case_id}/history", response={200: list[EventOut], 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
@paginate(PageNumberPagination)
def history(request, case_id: int):
    """The case's history, oldest first; applicants see the public steps only."""
    case = _case(request, case_id)
    events = CaseEvent.objects.filter(case=case).order_by("at", "pk")
    if not _sees_internals(_principal(request), case):
        events = events.filter(public=True)
    return [
        {
            "at": e.at,
            "action": e.action,
            "action_label": str(transitions.ACTION_LABELS.get(e.action, e.action)),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "status_label": _label(Status, e.to_status),
            "actor": e.actor_label,
            "note": e.note,
            "public": e.public,
        }
        for e in events
    ]


class CommitmentNoticeOut(Schema):
    version: str = Field(description="the notice's version (implementation code and guide)")
    notice: str
    text: str = Field(description="the whole text the applicant signs")
    materials: list[int] = Field(description="the proofs a signed commitment replaces")
    check_days: int = Field(description="the post-check falls due within these working days")
    open_to_applicant: bool
    refusal: str = Field(description="why not, for a black-listed applicant")
    signed_at: dt.datetime | None = None
    signer_name: str = ""
    check_due: dt.date | None = None
    check_result: str = ""


@router.get(
    "/{case_id}/commitment",
    response={200: CommitmentNoticeOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def commitment_notice(request, case_id: int):
    """告知承诺: the notice to read in full before signing (``actions/sign_commitment``),
    and the commitment once signed. 404 when the item does not offer it."""
    case = _case(request, case_id)
    offer = actions.commitment_offer(case)
    if offer is None:
        raise Http404("This item does not offer notify-and-commit.")
    signed = actions.commitment_of(case)
    refusal = hooks.acceptance_refusal(case, "sign_commitment")
    return {
        "version": offer.version,
        "notice": offer.notice,
        "text": offer.text(),
        "materials": [m.pk for m in offer.materials],
        "check_days": offer.check_days,
        "open_to_applicant": not refusal,
        "refusal": refusal,
        "signed_at": signed.signed_at if signed else None,
        "signer_name": signed.signer_name if signed else "",
        "check_due": signed.check_due if signed else None,
        "check_result": signed.check_result if signed else "",
    }


@router.get(
    "/{case_id}/materials",
    response={200: list[CaseMaterialOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_materials(request, case_id: int):
    """The files received, newest last; a replaced file stays, marked ``superseded``."""
    case = _case(request, case_id)
    return [_material_out(m) for m in case.materials.select_related("material")]


@router.post(
    "/{case_id}/materials",
    response={201: CaseMaterialOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=AUTH,
)
def upload_material(request, case_id: int, material: Form[int], file: File[UploadedFile]):
    """Upload (or scan) the file for a material of the case's guide: PDF, JPEG, PNG or
    OFD, recognised by content, not by name. A new file replaces the previous one."""
    case = _case(request, case_id)
    received = actions.attach_material(
        _principal(request), case, _materials([material])[0], file, name=file.name
    )
    return Reply(201, _material_out(received))


# ---------------------------------------------------------------- the actions


@dataclass(frozen=True)
class ActionSpec:
    schema: type[Schema]
    call: Callable[[Principal, Case, Any], Any]
    summary: str


def _plain(function: Callable) -> Callable[[Principal, Case, Schema], Any]:
    """For actions whose keyword arguments are exactly the body's fields."""
    return lambda principal, case, body: function(principal, case, **body.model_dump())


def _closing(action: str) -> Callable[[Principal, Case, Schema], Any]:
    return lambda principal, case, body: actions.after_closing(
        principal, case, action, reason=body.reason, revision=body.revision
    )


def _place(body: PlaceIn) -> dict:
    window = _window(body.window)
    if window is not None and window.service_point_id == body.service_point:
        point = window.service_point  # read with the window: one statement fewer
    else:
        point = _point(body.service_point)
    return {"service_point": point, "window": window, "revision": body.revision}


ACTIONS: dict[str, ActionSpec] = {
    "submit": ActionSpec(RevisionIn, _plain(actions.submit), "Submit the application"),
    "request_supplement": ActionSpec(
        SupplementIn,
        lambda p, c, b: actions.request_supplement(
            p,
            c,
            materials=_materials(b.materials),
            problems=b.problems,
            conditions=b.conditions,
            note=b.note,
            revision=b.revision,
        ),
        "Ask for every missing or faulty material at once (补正)",
    ),
    "supply": ActionSpec(RevisionIn, _plain(actions.supply), "Supplement provided"),
    "accept": ActionSpec(
        PlaceIn, lambda p, c, b: actions.accept(p, c, **_place(b)), "Accept (受理)"
    ),
    "accept_tolerant": ActionSpec(
        TolerantIn,
        lambda p, c, b: actions.accept_tolerant(
            p, c, deferred=_materials(b.deferred), due=b.due, **_place(b)
        ),
        "Accept with deferred materials (容缺受理)",
    ),
    "accept_on_commitment": ActionSpec(
        CommitmentIn,
        lambda p, c, b: actions.accept_on_commitment(
            p, c, materials=_materials(b.materials), text=b.text, check_due=b.check_due, **_place(b)
        ),
        "Accept on a signed commitment (告知承诺)",
    ),
    "supply_deferred": ActionSpec(
        RevisionIn, _plain(actions.supply_deferred), "Deferred materials provided"
    ),
    "propose_non_acceptance": ActionSpec(
        ReasonIn,
        _plain(actions.propose_non_acceptance),
        "Propose not to accept (the chief decides)",
    ),
    "propose_denial": ActionSpec(
        ReasonIn, _plain(actions.propose_denial), "Propose a denial (the chief decides)"
    ),
    "confirm_refusal": ActionSpec(
        NoteIn, _plain(actions.confirm_refusal), "Confirm a proposed refusal (chief)"
    ),
    "overturn_refusal": ActionSpec(
        OverturnIn, _plain(actions.overturn_refusal), "Overturn a proposed refusal (chief)"
    ),
    "complete_step": ActionSpec(ReviewIn, _plain(actions.complete_step), "Complete a review step"),
    "approve": ActionSpec(ReviewIn, _plain(actions.approve), "Approve (准予许可)"),
    "deny": ActionSpec(DenyIn, _plain(actions.deny), "Deny (不予许可, chief)"),
    "start_special_procedure": ActionSpec(
        SpecialProcedureIn,
        lambda p, c, b: actions.start_special_procedure(
            p,
            c,
            procedure=str(b.procedure.value),
            expected_days=b.expected_days,
            reason=b.reason,
            revision=b.revision,
        ),
        "Start a special procedure (the clock pauses)",
    ),
    "end_special_procedure": ActionSpec(
        NoteIn, _plain(actions.end_special_procedure), "End the special procedure"
    ),
    "extend": ActionSpec(ExtendIn, _plain(actions.extend), "Extend the time limit (chief)"),
    "explain_delay": ActionSpec(
        ReasonIn, _plain(actions.explain_delay), "Record the reason for a delay"
    ),
    "issue_result": ActionSpec(NoteIn, _plain(actions.issue_result), "Issue the result"),
    "deliver": ActionSpec(
        DeliverIn,
        lambda p, c, b: actions.deliver(
            p,
            c,
            recipient_name=b.recipient_name,
            id_checked=b.id_checked,
            method=b.method,
            service_point=_point(b.service_point),
            revision=b.revision,
        ),
        "Hand over the result (出件); the case closes",
    ),
    "withdraw": ActionSpec(
        OptionalReasonIn, _plain(actions.withdraw), "Withdraw the application (applicant)"
    ),
    "terminate": ActionSpec(
        ReasonIn, _plain(actions.terminate), "End handling (终止), e.g. a false commitment"
    ),
    "amend": ActionSpec(ReasonIn, _closing("amend"), "Change the issued result (变更)"),
    "revoke": ActionSpec(ReasonIn, _closing("revoke"), "Revoke the result (撤销)"),
    "cancel_licence": ActionSpec(ReasonIn, _closing("cancel_licence"), "Cancel the licence (注销)"),
    "withdraw_licence": ActionSpec(
        ReasonIn, _closing("withdraw_licence"), "Withdraw the licence (吊销)"
    ),
}
ACTIONS["sign_commitment"] = ActionSpec(
    SignCommitmentIn,
    _plain(actions.sign_commitment),
    "Sign the notify-and-commit notice (告知承诺, applicant); read it at /commitment first",
)
if hasattr(actions, "record_post_check"):
    ACTIONS["post_check"] = ActionSpec(
        PostCheckIn, _plain(actions.record_post_check), "Record the commitment's post-check"
    )


def _description(name: str) -> str:
    """The rows of the transition table behind an action: from → to, who, why."""
    rows = [t for t in transitions.TRANSITIONS.values() if t.action == name]
    if not rows:
        return "Changes no status."
    return "\n".join(
        f"- `{t.source}` → `{t.target}` — by {', '.join(t.who)}: {t.why}" for t in rows
    )


# Actions that read the case's files for their checks and change no file, supplement
# request or refusal: their answer shows the files as read (one statement fewer).
_KEEPS_MATERIALS = {"accept"}


def _endpoint(name: str, spec: ActionSpec) -> Callable:
    def act(request, case_id: int, payload: spec.schema):  # type: ignore[name-defined]
        principal = _principal(request)
        # Not read first: the action locks the row and checks the caller may see it.
        case = Case(pk=case_id)
        try:
            acted = spec.call(principal, case, payload)
        except Case.DoesNotExist:
            raise Http404("No Case matches the given query.") from None
        if isinstance(acted, Case) and acted.pk == case.pk:
            # The row the action locked and saved, with what the detail reads: no re-read.
            kept = acted.__dict__.get("_materials_read") if name in _KEEPS_MATERIALS else None
            return _detail(principal, acted, fresh=True, kept_materials=kept)
        return _detail(principal, case)

    act.__name__ = f"case_{name}"
    act.__doc__ = _description(name)
    return act


for _name, _spec in ACTIONS.items():
    router.post(
        f"/{{case_id}}/actions/{_name}",
        response=WRITE,
        auth=AUTH,
        summary=_spec.summary,
        operation_id=f"case_{_name}",
    )(_endpoint(_name, _spec))
