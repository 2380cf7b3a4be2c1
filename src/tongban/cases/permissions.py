"""Who may take a transition on a case: the "who" column of the table, made concrete.

applicant — the applicant's own account, or whoever filed the case for them
clerk     — a window clerk of the case's service point (or pickup point); for a case that
            came in online, a clerk of any service point where the item may be accepted
handler   — the role the current review step names, in the deciding agency (or that
            agency's own system, an API client with ``cases:decide``, unless a chief's)
chief     — a section chief of the deciding agency
staff     — a clerk as above, or anyone assigned to the deciding agency
system    — the periodic tasks
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.org.models import StaffRole
from tongban.org.policy import Principal

from .models import Case
from .reach import check_reach
from .transitions import Transition


def is_applicant_side(principal: Principal, case: Case) -> bool:
    user = principal.user
    if user is None:
        return False
    if case.applicant.account_id == user.pk:
        return True
    return case.submitted_by_id == user.pk and (
        principal.kind == "applicant" or principal.has_role(StaffRole.HELPER_AGENT)
    )


def clerk_points(principal: Principal) -> set[int]:
    return principal.service_point_ids(StaffRole.WINDOW_CLERK)


def is_clerk_for(principal: Principal, case: Case) -> bool:
    if principal.kind != "staff":
        return False
    points = clerk_points(principal)
    if not points:
        return False
    if case.service_point_id is None:
        return _may_accept_somewhere(principal, case, points)
    return case.service_point_id in points or case.pickup_point_id in points


def _may_accept_somewhere(principal: Principal, case: Case, points: set[int]) -> bool:
    for assignment in principal.assignments:
        if assignment.service_point_id in points:
            try:
                check_reach(case.item_version, case.deciding_agency, assignment.service_point)
            except ValidationError:
                continue
            return True
    return False


def in_agency(principal: Principal, case: Case, *roles: str) -> bool:
    return principal.kind == "staff" and case.deciding_agency_id in principal.agency_ids(*roles)


def is_agency_system(principal: Principal, agency_id: int | None) -> bool:
    """A department's own system (an API client with ``cases:decide``) of that agency."""
    return (
        principal.kind == "client"
        and "cases:decide" in principal.scopes
        and agency_id is not None
        and principal.client.agency_id == agency_id
    )


def is_handler(principal: Principal, case: Case) -> bool:
    if case.step_role == StaffRole.WINDOW_CLERK:
        return is_clerk_for(principal, case)
    agency = case.step_agency_id or case.deciding_agency_id
    if not case.step_role:
        return False
    if principal.kind == "client":
        # Its system completes the step its officers would (a chief's step stays a person's).
        return case.step_role != StaffRole.SECTION_CHIEF and is_agency_system(principal, agency)
    return principal.kind == "staff" and agency in principal.agency_ids(case.step_role)


def is_chief(principal: Principal, case: Case) -> bool:
    return in_agency(principal, case, StaffRole.SECTION_CHIEF)


CHECKS = {
    "applicant": is_applicant_side,
    "clerk": is_clerk_for,
    "handler": is_handler,
    "chief": is_chief,
    "staff": lambda p, c: (
        is_clerk_for(p, c) or in_agency(p, c) or is_agency_system(p, c.deciding_agency_id)
    ),
    "system": lambda p, c: p.kind == "system",
}


def may(principal: Principal, case: Case, transition: Transition) -> bool:
    return any(CHECKS[who](principal, case) for who in transition.who)


def ensure_may(principal: Principal, case: Case, transition: Transition) -> None:
    if not may(principal, case, transition):
        raise PermissionDenied(
            _("You may not do this on this case (it is for: %(who)s).")
            % {"who": ", ".join(str(WHO_LABELS[w]) for w in transition.who)}
        )


def can_view(principal: Principal, case: Case) -> bool:
    if principal.kind == "system" or principal.is_platform_admin:
        return True
    if is_applicant_side(principal, case):
        return True
    if principal.kind != "staff":
        return False
    return (
        in_agency(principal, case)
        # a review step another agency takes (its inbox lists the case)
        or (case.step_agency_id is not None and case.step_agency_id in principal.agency_ids())
        or case.service_point_id in principal.service_point_ids()
        or case.pickup_point_id in principal.service_point_ids()
        or is_clerk_for(principal, case)
    )


WHO_LABELS = {
    "applicant": gettext_lazy("the applicant"),
    "clerk": gettext_lazy("a window clerk"),
    "handler": gettext_lazy("the handler of the current step"),
    "chief": gettext_lazy("a section chief of the deciding agency"),
    "staff": gettext_lazy("the deciding agency's staff"),
    "system": gettext_lazy("the system"),
}
