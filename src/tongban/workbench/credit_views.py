"""Credit and commitment pages."""

from django.http import HttpRequest, HttpResponse

from tongban.org.policy import Principal

from .access import PAGE_ROLES, staff_with_roles
from .views import _render


@staff_with_roles(*PAGE_ROLES["credit"])
def records(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _render(request, principal, "credit", "workbench/supervision.html", {})


@staff_with_roles(*PAGE_ROLES["post_checks"])
def post_checks(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _render(request, principal, "post_checks", "workbench/supervision.html", {})
