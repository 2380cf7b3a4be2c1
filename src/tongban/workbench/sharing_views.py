"""Data sharing (数据共享) in the workbench, for auditors and platform administrators:
the log of every query made to a data source (who asked, about whom — masked —, for which
case, what came back), filterable; and the sources with their adapters, circuit
breakers and the day's traffic.

Thin: the search and the overview come from ``sharing.services``; the policy rule
``sharing.view_query`` decides who reads them.
"""

import datetime as dt
import re

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.org import policy
from tongban.org.policy import Principal
from tongban.sharing import services
from tongban.sharing.models import DataSource, SharingQuery

from .access import PAGE_ROLES, staff_with_roles
from .lookup import subject_as_digest
from .views import _render

ROLES = PAGE_ROLES.get("sharing", ())
PER_PAGE = 50


def _page(request: HttpRequest, principal: Principal, template: str, context: dict):
    policy.require(principal, "sharing.view_query")
    return _render(request, principal, "sharing", template, context)


def _filters(request: HttpRequest, codes: set[str]) -> dict:
    get = request.GET
    digest = get.get("digest", "").strip()
    day: dt.date | None = None
    error = ""
    if get.get("date"):
        try:
            day = dt.date.fromisoformat(get["date"].strip())
        except ValueError:
            error = _("Enter the date as YYYY-MM-DD.")
    return {
        "source": get.get("source", "") if get.get("source") in codes else "",
        "case": get.get("case", "").strip()[:40],
        "outcome": get.get("outcome", "")
        if get.get("outcome") in SharingQuery.Outcome.values
        else "",
        "date": day,
        "digest": digest if re.fullmatch(r"[0-9a-f]{64}", digest) else "",
        "error": error,
    }


@staff_with_roles(*ROLES)
def queries(request: HttpRequest, principal: Principal) -> HttpResponse:
    """Every query, the newest first; an ID number entered is searched by its digest."""
    again = subject_as_digest(request, "workbench:sharing-queries", services.subject_index)
    if again is not None:
        return again
    sources = list(DataSource.objects.order_by("pk"))
    chosen = _filters(request, {s.code for s in sources})
    found = services.search_queries(
        source=chosen["source"],
        case_code=chosen["case"],
        outcome=chosen["outcome"],
        day=chosen["date"],
        digest=chosen["digest"],
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": {
            "chosen": chosen,
            "sources": sources,
            "outcomes": SharingQuery.Outcome.choices,
            "active": any(v for k, v in chosen.items() if k != "error"),
        },
        "list_url": reverse("workbench:sharing-queries"),
        "sources_url": reverse("workbench:sharing-sources"),
    }
    return _page(request, principal, "workbench/sharing/queries.html", context)


@staff_with_roles(*ROLES)
def sources(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The registers the platform asks, their adapters, breakers and today's traffic."""
    context = {
        "rows": services.source_overview(timezone.localdate()),
        "list_url": reverse("workbench:sharing-queries"),
    }
    return _page(request, principal, "workbench/sharing/sources.html", context)
