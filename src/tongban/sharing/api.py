"""``/api/v1/sharing``: the data sources, the query log (auditors) and what the sources
confirmed for a case.

Thin, like the other routers: authorise through the policy, read through
``sharing.services``, render. Errors are ``{code, message}`` through the site API's
handlers (401 unauthenticated, 403 forbidden, 404 not_found).
"""

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from tongban.cases.api import visible_case
from tongban.core.api import ErrorOut, Paged
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.policy import Principal

from . import services
from .models import MaterialVerification, SharingQuery

router = Router(tags=["sharing"])


class SourceOut(Schema):
    code: str
    name: str
    holder: str
    adapter: str = Field(description="local, http or certificate_library")
    is_enabled: bool
    breaker: str = Field(description="closed / open / half_open for http sources, else empty")
    queries_today: int
    errors_today: int


class QueryOut(Schema):
    id: int
    at: dt.datetime
    source: str
    adapter: str
    actor: str = Field(description="who asked: a username, api:<client> or system")
    subject_masked: str
    case_id: int | None
    case_code: str | None
    purpose: str
    outcome: str = Field(description="found / not_found / error / refused / circuit_open")
    returned: dict | list | None = Field(description="what the source answered")
    error: str
    duration_ms: int


class VerificationOut(Schema):
    material_id: int
    material: str
    source: str
    confirmed: bool
    summary: str = Field(description="what people see, e.g. 人口信息库：已核验")
    at: dt.datetime
    query_id: int | None


def _principal(request) -> Principal:
    return request.principal


@router.get("/sources", response={200: list[SourceOut], 401: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_sources(request):
    """Every data source, its adapter, whether it is on, its circuit breaker, today's
    queries and errors (no connection settings: they may hold credentials)."""
    return [
        {
            "code": row["source"].code,
            "name": row["source"].name,
            "holder": row["source"].holder,
            "adapter": row["source"].adapter,
            "is_enabled": row["source"].is_enabled,
            "breaker": row["breaker"],
            "queries_today": row["queries_today"],
            "errors_today": row["errors_today"],
        }
        for row in services.source_overview(timezone.localdate())
    ]


def _query_out(query: SharingQuery) -> dict:
    return {
        "id": query.pk,
        "at": query.at,
        "source": query.source.code,
        "adapter": query.adapter,
        "actor": query.actor_label,
        "subject_masked": query.subject_masked,
        "case_id": query.case_id,
        "case_code": query.case.code if query.case_id else None,
        "purpose": query.purpose,
        "outcome": query.outcome,
        "returned": query.returned,
        "error": query.error,
        "duration_ms": query.duration_ms,
    }


@router.get(
    "/queries",
    response={200: list[QueryOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def list_queries(
    request,
    source: str = "",
    case_code: str = "",
    outcome: str = "",
    date: dt.date | None = None,
    subject: str = "",
):
    """The query log, newest first (auditors and platform administrators). ``subject``:
    an ID number or credit code, searched by its keyed digest."""
    policy.require(_principal(request), "sharing.view_query")
    found = services.search_queries(
        source=source, case_code=case_code, outcome=outcome, day=date, subject=subject
    )
    return Paged(found, _query_out)


@router.get(
    "/cases/{case_id}/verifications",
    response={200: list[VerificationOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def case_verifications(request, case_id: int):
    """What the data sources confirmed for the case's materials (the newest per material):
    whoever may see the case."""
    case = visible_case(request, case_id)
    return [_verification_out(v) for v in services.latest_verifications(case)]


def _verification_out(verification: MaterialVerification) -> dict:
    return {
        "material_id": verification.material_id,
        "material": verification.material.name,
        "source": verification.source,
        "confirmed": verification.confirmed,
        "summary": verification.summary,
        "at": verification.at,
        "query_id": verification.query_id,
    }
