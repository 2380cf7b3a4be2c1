"""Supervision pages (审管互动)."""

from django.http import HttpRequest, HttpResponse

from tongban.org.policy import Principal

from .access import PAGE_ROLES, staff_with_roles
from .views import _waiting_page


@staff_with_roles(*PAGE_ROLES["supervision"])
def inbox(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _waiting_page(request, principal, "supervision")
