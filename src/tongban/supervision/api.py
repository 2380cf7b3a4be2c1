"""``/api/v1/supervision``: results pushed to the supervising departments (审管互动).

The department's staff list and claim (认领) their results; the bureau's chiefs, auditors
and platform administrators see every department's and the claim rates; platform
administrators manage the departments' webhook endpoints (the secret is returned only
when created or rotated). Thin: the policy authorises, ``actions`` changes, ``services``
reads. Errors are ``{code, message}`` (401, 403, 404, 409 ``already_claimed``, 400).
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.api import ApiError, ErrorOut, Paged
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import Agency
from tongban.org.policy import Principal

from . import actions, services
from .models import DeliveryAttempt, Push, WebhookEndpoint

router = Router(tags=["supervision"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class PushOut(Schema):
    id: int
    case_id: int
    case_code: str
    department_id: int
    department: str
    item_id: int
    item: str
    event: str = Field(description="approval / change / revocation / cancellation / withdrawal")
    pushed_at: dt.datetime
    claim_due: dt.datetime = Field(description="claim by this time, else it is escalated")
    overdue: bool = Field(description="unclaimed and past its claim deadline")
    claimed_at: dt.datetime | None
    claimed_by: str | None
    escalated_at: dt.datetime | None
    delivery_state: str = Field(description="not_configured / pending / delivered / failed")
    attempts: int
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None
    last_error: str
    idempotency_key: uuid.UUID


class AttemptOut(Schema):
    number: int
    url: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    http_status: int | None
    outcome: str = Field(description="in_progress / delivered / rejected / error / interrupted")
    error: str
    response_excerpt: str


class PushDetailOut(PushOut):
    payload: dict = Field(description="what the department receives as ``result``")
    delivery_attempts: list[AttemptOut]


class ClaimManyIn(Schema):
    ids: list[int] = Field(description="the pushes to claim", min_length=1, max_length=500)


class ClaimManyOut(Schema):
    claimed: list[int]
    already_claimed: list[int] = Field(description="claimed by someone before: left as they were")


class RateOut(Schema):
    department_id: int
    department: str
    item_id: int | None
    item: str
    pushed: int
    claimed: int
    claimed_on_time: int
    unclaimed: int
    unclaimed_overdue: int
    rate: float | None = Field(description="claimed ÷ pushed (0–1)")
    on_time_rate: float | None = Field(description="claimed on time ÷ pushed (0–1)")
    median_hours_to_claim: float | None


class EndpointOut(Schema):
    id: int
    department_id: int
    department: str
    url: str
    is_enabled: bool
    created_at: dt.datetime
    secret_rotated_at: dt.datetime | None


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="the HMAC secret: shown this once, store it now")


class EndpointIn(Schema):
    department_id: int
    url: str
    is_enabled: bool = True


class EndpointPatch(Schema):
    url: str | None = None
    is_enabled: bool | None = None


def _principal(request) -> Principal:
    return request.principal


def _push_out(push: Push, now: dt.datetime | None = None) -> dict:
    claimant = push.claimed_by
    return {
        "id": push.pk,
        "case_id": push.case_id,
        "case_code": push.payload.get("case_code", ""),
        "department_id": push.agency_id,
        "department": push.agency.name,
        "item_id": push.item_id,
        "item": push.item_name,
        "event": push.event,
        "pushed_at": push.created_at,
        "claim_due": push.claim_due,
        "overdue": services.is_overdue(push, now),
        "claimed_at": push.claimed_at,
        "claimed_by": (claimant.get_full_name() or claimant.get_username()) if claimant else None,
        "escalated_at": push.escalated_at,
        "delivery_state": push.delivery_state,
        "attempts": push.attempts,
        "next_attempt_at": push.next_attempt_at,
        "delivered_at": push.delivered_at,
        "last_error": push.last_error,
        "idempotency_key": push.idempotency_key,
    }


def _attempt_out(attempt: DeliveryAttempt) -> dict:
    return {
        "number": attempt.number,
        "url": attempt.url,
        "started_at": attempt.started_at,
        "ended_at": attempt.ended_at,
        "http_status": attempt.http_status,
        "outcome": attempt.outcome,
        "error": attempt.error,
        "response_excerpt": attempt.response_excerpt,
    }


def _visible_push(request, push_id: int) -> Push:
    return get_object_or_404(
        services.visible(_principal(request)).select_related("agency", "claimed_by", "case"),
        pk=push_id,
    )


def _detail(push: Push) -> dict:
    return {
        **_push_out(push),
        "payload": push.payload,
        "delivery_attempts": [_attempt_out(a) for a in push.delivery_attempts.order_by("number")],
    }


@router.get("/pushes", response={200: list[PushOut], **ERRORS, 422: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_pushes(
    request,
    claimed: bool | None = None,
    overdue: bool | None = None,
    event: str = "",
    item: int | None = None,
    department: int | None = None,
    delivery: str = "",
):
    """The results pushed to the caller's department (every department's for the bureau's
    chiefs, auditors and platform administrators): the unclaimed first, nearest claim
    deadline first. Filters: ``claimed``, ``overdue`` (unclaimed past the deadline),
    ``event``, ``item`` (item id), ``department`` (agency id), ``delivery`` (state)."""
    principal = _principal(request)
    policy.require(principal, "supervision.view_push")
    now = timezone.now()
    found = services.search(
        principal,
        claimed=claimed,
        overdue=overdue,
        event=event if event in Push.Event.values else "",
        item=item,
        agency=department,
        delivery=delivery if delivery in Push.Delivery.values else "",
        now=now,
    )
    return Paged(found, lambda push: _push_out(push, now))


@router.get("/pushes/{push_id}", response={200: PushDetailOut, **ERRORS}, auth=AUTH)
def get_push(request, push_id: int):
    """One pushed result: what was sent (``payload``) and every delivery attempt."""
    return _detail(_visible_push(request, push_id))


@router.post("/pushes/{push_id}/claim", response={200: PushOut, **ERRORS, 409: ErrorOut}, auth=AUTH)
def claim_push(request, push_id: int):
    """认领: the department confirms it has taken the result over (its officers and
    chiefs). 409 ``already_claimed`` when someone claimed it before."""
    push = _visible_push(request, push_id)
    try:
        push = actions.claim(_principal(request), push)
    except actions.AlreadyClaimed as error:
        raise ApiError(409, "already_claimed", error.messages[0]) from None
    return _push_out(Push.objects.select_related("agency", "claimed_by").get(pk=push.pk))


@router.post("/claims", response={200: ClaimManyOut, **ERRORS, 400: ErrorOut}, auth=AUTH)
def claim_pushes(request, payload: ClaimManyIn):
    """认领 several results at once: those not yet claimed are claimed, those claimed
    before are listed and left alone. A result the caller may not claim refuses all."""
    principal = _principal(request)
    seen = set(services.visible(principal).filter(pk__in=payload.ids).values_list("pk", flat=True))
    missing = set(payload.ids) - seen
    if missing:
        raise ApiError(404, "not_found", _("No such result: %(ids)s") % {"ids": sorted(missing)})
    claimed, before = actions.claim_many(principal, payload.ids)
    return {"claimed": [p.pk for p in claimed], "already_claimed": [p.pk for p in before]}


@router.post(
    "/pushes/{push_id}/resend", response={200: PushOut, **ERRORS, 400: ErrorOut}, auth=AUTH
)
def resend_push(request, push_id: int):
    """Send a result whose delivery failed to the department's system again (the same
    idempotency key; the attempts start again)."""
    push = actions.resend(_principal(request), _visible_push(request, push_id))
    return _push_out(Push.objects.select_related("agency", "claimed_by").get(pk=push.pk))


def _rate_out(rate: services.Rate) -> dict:
    return {
        "department_id": rate.agency_id,
        "department": rate.agency,
        "item_id": rate.item_id,
        "item": rate.item,
        "pushed": rate.pushed,
        "claimed": rate.claimed,
        "claimed_on_time": rate.claimed_on_time,
        "unclaimed": rate.unclaimed,
        "unclaimed_overdue": rate.unclaimed_overdue,
        "rate": rate.rate,
        "on_time_rate": rate.on_time_rate,
        "median_hours_to_claim": rate.median_hours,
    }


def _report(request, start: dt.date | None, end: dt.date | None, department: int | None):
    default_start, default_end = services.default_range()
    start, end = start or default_start, end or default_end
    if end < start:
        raise ValidationError(_("The end of the period is before its start."), code="range")
    return services.claim_rates(_principal(request), start=start, end=end, agency=department)


@router.get("/claim-rates", response={200: list[RateOut], **ERRORS, 400: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def claim_rates(
    request,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: int | None = None,
):
    """认领率 per supervising department over the results pushed from ``start`` to ``end``
    (both included; the last 30 days by default): pushed, claimed, claimed on time,
    unclaimed and overdue, the rate and the median hours from push to claim. A department's
    staff see their own department; the bureau's chiefs, auditors and administrators all."""
    return [_rate_out(rate) for rate in _report(request, start, end, department).departments]


@router.get("/claim-rates/items", response={200: list[RateOut], **ERRORS, 400: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def claim_rates_per_item(
    request,
    start: dt.date | None = None,
    end: dt.date | None = None,
    department: int | None = None,
):
    """认领率 per department and item, over the same period as ``/claim-rates``."""
    return [_rate_out(rate) for rate in _report(request, start, end, department).items]


# ---------------------------------------------------------------- endpoints


def _endpoint_out(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": endpoint.pk,
        "department_id": endpoint.agency_id,
        "department": endpoint.agency.name,
        "url": endpoint.url,
        "is_enabled": endpoint.is_enabled,
        "created_at": endpoint.created_at,
        "secret_rotated_at": endpoint.secret_rotated_at,
    }


def _admin(request) -> Principal:
    principal = _principal(request)
    policy.require(principal, "supervision.manage_endpoints")
    return principal


@router.get("/endpoints", response={200: list[EndpointOut], **ERRORS}, auth=AUTH)
@paginate(PageNumberPagination)
def list_endpoints(request):
    """The departments' webhook endpoints (platform administrators; no secrets)."""
    _admin(request)
    return Paged(
        WebhookEndpoint.objects.select_related("agency").order_by("agency__name"), _endpoint_out
    )


@router.post(
    "/endpoints", response={201: EndpointWithSecretOut, **ERRORS, 400: ErrorOut}, auth=AUTH
)
def create_endpoint(request, payload: EndpointIn):
    """A department's endpoint; the answer holds its HMAC secret, shown this once."""
    principal = _admin(request)
    agency = get_object_or_404(Agency, pk=payload.department_id)
    endpoint, secret = actions.create_endpoint(
        principal, agency, payload.url, enabled=payload.is_enabled
    )
    return Status(201, {**_endpoint_out(endpoint), "secret": secret})


@router.patch(
    "/endpoints/{endpoint_id}", response={200: EndpointOut, **ERRORS, 400: ErrorOut}, auth=AUTH
)
def change_endpoint(request, endpoint_id: int, payload: EndpointPatch):
    """Change the address or switch the endpoint on or off."""
    principal = _admin(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("agency"), pk=endpoint_id)
    endpoint = actions.update_endpoint(
        principal, endpoint, url=payload.url, enabled=payload.is_enabled
    )
    return _endpoint_out(endpoint)


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    response={200: EndpointWithSecretOut, **ERRORS},
    auth=AUTH,
)
def rotate_endpoint_secret(request, endpoint_id: int):
    """A new HMAC secret, shown this once; the old one signs nothing more."""
    principal = _admin(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("agency"), pk=endpoint_id)
    endpoint, secret = actions.rotate_secret(principal, endpoint)
    return {**_endpoint_out(endpoint), "secret": secret}
