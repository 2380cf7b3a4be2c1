"""Violation notice pages (告知函)."""

from django.http import HttpRequest, HttpResponse

from tongban.org.policy import Principal

from .access import PAGE_ROLES, staff_with_roles
from .views import _render


@staff_with_roles(*PAGE_ROLES["violations"])
def notice_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _render(request, principal, "violations", "workbench/supervision.html", {})
