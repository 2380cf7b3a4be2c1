"""Who may open which workbench page.

The decision is a policy rule (``workbench.open_page``) registered here, the way the
policy module asks apps above ``org`` to add their own rules; views only use the
``staff_with_roles`` decorator and never test roles themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tongban.org import policy
from tongban.org.models import ServicePoint, StaffAssignment, StaffRole
from tongban.org.policy import COUNTER_ROLES, OutOfScope, Principal, principal_for_user

# Each page and the roles that open it (a platform administrator opens every page).
# Hall managers take a counter at rush hour, so the counter follows the policy's
# counter roles rather than a list of its own.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "home": (),  # every staff member
    "counter": tuple(COUNTER_ROLES),
    # Results come back to the window that hands them over (统一窗口出件).
    "pickup": (StaffRole.WINDOW_CLERK,),
    "hall": (StaffRole.HALL_MANAGER,),
    "inbox": (StaffRole.BACKOFFICE_REVIEWER,),
    "approvals": (StaffRole.SECTION_CHIEF,),
    "agent": (StaffRole.HELPER_AGENT,),
    "supervision": (StaffRole.SUPERVISING_OFFICER,),
    "training": (),  # every staff member studies the items they handle
    "catalog": (StaffRole.CATALOG_ADMIN, StaffRole.SECTION_CHIEF),
    "certificates": (StaffRole.SECTION_CHIEF, StaffRole.BACKOFFICE_REVIEWER),
    "rules": (StaffRole.CATALOG_ADMIN,),
    "sharing": (StaffRole.AUDITOR,),
    # Supervising officers send notices (告知函); the bureau's chiefs decide on them.
    "violations": (StaffRole.SUPERVISING_OFFICER, StaffRole.SECTION_CHIEF),
    "credit": (StaffRole.SECTION_CHIEF, StaffRole.BACKOFFICE_REVIEWER, StaffRole.AUDITOR),
    "post_checks": (StaffRole.SECTION_CHIEF, StaffRole.BACKOFFICE_REVIEWER),
}

PAGE_LABELS = {
    "home": gettext_lazy("Overview"),
    "counter": gettext_lazy("Counter"),
    "pickup": gettext_lazy("Result pickup"),
    "hall": gettext_lazy("Hall management"),
    "inbox": gettext_lazy("Review inbox"),
    "approvals": gettext_lazy("Approvals"),
    "agent": gettext_lazy("Helper and agent service"),
    "supervision": gettext_lazy("Supervision"),
    "training": gettext_lazy("Item training"),
    "catalog": gettext_lazy("Service catalog"),
    "certificates": gettext_lazy("Certificates"),
    "rules": gettext_lazy("Decision rules"),
    "sharing": gettext_lazy("Data sharing"),
    "violations": gettext_lazy("Violation notices"),
    "credit": gettext_lazy("Credit records"),
    "post_checks": gettext_lazy("Commitment checks"),
}

# The page where each role's daily work happens.
ROLE_PAGE = {
    StaffRole.WINDOW_CLERK: "counter",
    StaffRole.HELPER_AGENT: "agent",
    StaffRole.HALL_MANAGER: "hall",
    StaffRole.BACKOFFICE_REVIEWER: "inbox",
    StaffRole.SECTION_CHIEF: "approvals",
    StaffRole.SUPERVISING_OFFICER: "supervision",
    StaffRole.CATALOG_ADMIN: "catalog",
    StaffRole.AUDITOR: "sharing",
}


@policy.rule(
    "workbench.open_page",
    gettext_lazy("The workbench is for staff of the service bureau."),
)
def _open_page(principal: Principal, roles: tuple[str, ...] | None) -> bool:
    if principal.kind != "staff":
        return False
    return not roles or principal.has_role(*roles)


@policy.rule(
    "workbench.manage_hall",
    gettext_lazy("Only the manager of this hall can manage it."),
)
def _manage_hall(principal: Principal, point: ServicePoint | None) -> bool:
    narrowed = (
        ServicePoint.objects.all() if point is None else ServicePoint.objects.filter(pk=point.pk)
    )
    return _hall_scope(principal, narrowed).exists()


@policy.scope("workbench.manage_hall")
def _hall_scope(principal: Principal, queryset: QuerySet) -> QuerySet:
    """The service points whose hall page this person manages (windows, staff on duty)."""
    if principal.kind != "staff":
        return queryset.none()
    if principal.is_platform_admin:
        return queryset
    return queryset.filter(pk__in=principal.service_point_ids(StaffRole.HALL_MANAGER))


def role_labels(roles: tuple[str, ...] | set[str]) -> str:
    separator = pgettext("list separator", ", ")
    ordered = [role for role in StaffRole.values if role in set(roles)]
    return separator.join(str(StaffRole(role).label) for role in ordered)


def refusal_message(principal: Principal, roles: tuple[str, ...]) -> str:
    """Why this person may not open the page, in their language."""
    if principal.kind != "staff":
        return _(
            "The workbench is for staff of the service bureau. Applicants find their "
            "account under “My account” on the public portal."
        )
    yours = role_labels(principal.roles) or _("none yet")
    return _("This page is for: %(needed)s. Your roles: %(yours)s.") % {
        "needed": role_labels(roles),
        "yours": yours,
    }


View = Callable[..., HttpResponse]


def staff_with_roles(*roles: str) -> Callable[[View], View]:
    """Let in logged-in staff holding one of ``roles`` (any staff when none are given).

    Anonymous visitors go to the login page; everyone else who may not open the page
    gets a 403 saying why. The view receives the principal after the request.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            principal = principal_for_user(request.user)
            if not policy.allows(principal, "workbench.open_page", roles):
                raise OutOfScope(refusal_message(principal, roles))
            return view(request, principal, *args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class NavItem:
    name: str
    label: str
    url: str
    current: bool


def navigation(principal: Principal, current: str) -> list[NavItem]:
    """The pages this person may open, for the side navigation."""
    items = [
        NavItem(page, str(PAGE_LABELS[page]), reverse(f"workbench:{page}"), page == current)
        for page, roles in PAGE_ROLES.items()
        if policy.allows(principal, "workbench.open_page", roles)
    ]
    if principal.is_platform_admin and principal.user is not None and principal.user.is_staff:
        items.append(
            NavItem(
                "admin", pgettext("workbench menu", "Administration"), reverse("admin:index"), False
            )
        )
    return items


def assignment_scope(assignment: StaffAssignment) -> str:
    places = [str(place) for place in (assignment.agency, assignment.service_point) if place]
    return " · ".join(places) or _("the whole platform")


@dataclass(frozen=True)
class Scope:
    """Where a person works in the given roles: their agencies and service points."""

    agencies: list
    service_points: list
    whole_platform: bool

    @property
    def empty(self) -> bool:
        return not (self.agencies or self.service_points or self.whole_platform)


def scope_for(principal: Principal, *roles: str) -> Scope:
    chosen = [a for a in principal.assignments if a.role in roles]
    agencies = {a.agency_id: a.agency for a in chosen if a.agency_id}
    points = {a.service_point_id: a.service_point for a in chosen if a.service_point_id}
    return Scope(
        agencies=list(agencies.values()),
        service_points=list(points.values()),
        whole_platform=principal.is_platform_admin,
    )
