"""Who may do what (权限策略): the one place that decides, for views, API and actions.

A *principal* is whoever acts: a staff member with scoped roles, an applicant, a
department system holding an API token, or an anonymous visitor. Rules are registered
per action name; apps above ``org`` register their own rules here instead of deciding
in their views. ``tests/org/test_policy_matrix.py`` covers every action × role.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.core.context import Actor

from .models import Applicant, StaffAssignment, StaffRole, User, Window


@dataclass(frozen=True)
class Principal:
    kind: str  # "staff" | "applicant" | "client" | "anonymous"
    user: User | None = None
    client: Any = None  # ApiClient
    assignments: tuple[StaffAssignment, ...] = ()
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.client is not None:
            return f"api:{self.client.name}"
        return "system" if self.kind == "system" else "anonymous"

    @property
    def actor(self) -> Actor:
        """Who the audit log names for what this principal does."""
        if self.user is not None:
            return Actor(
                user_id=self.user.pk,
                label=self.user.get_username(),
                role=",".join(sorted(self.roles)) or self.kind,
            )
        if self.client is not None:
            return Actor(user_id=None, label=self.label, role="api_client")
        if self.kind == "system":
            return Actor(user_id=None, label="system", role="system")
        return Actor(user_id=None, label="anonymous", role="anonymous")

    @property
    def roles(self) -> set[str]:
        return {assignment.role for assignment in self.assignments}

    @property
    def is_platform_admin(self) -> bool:
        return StaffRole.PLATFORM_ADMIN in self.roles or bool(self.user and self.user.is_superuser)

    def has_role(self, *roles: str) -> bool:
        return self.is_platform_admin or bool(self.roles & set(roles))

    def service_point_ids(self, *roles: str) -> set[int]:
        return {
            a.service_point_id
            for a in self.assignments
            if a.service_point_id and (not roles or a.role in roles)
        }

    def agency_ids(self, *roles: str) -> set[int]:
        ids = {
            a.agency_id for a in self.assignments if a.agency_id and (not roles or a.role in roles)
        }
        if self.client is not None:
            ids.add(self.client.agency_id)
        return ids


ANONYMOUS = Principal(kind="anonymous")
# Periodic tasks (deadline warnings, terminations) act as the system, never as a person.
SYSTEM = Principal(kind="system")

# What an API client's token may be granted (a department's system gets only what it needs).
API_SCOPES = {
    "org:read": _("Read staff of the client's own agency"),
    "applicants:read": _("Look up applicants"),
    "applicants:write": _("Register applicants"),
    "catalog:write": _("Edit the catalog items of the client's own agency"),
    "cases:read": _("Read the cases the client's own agency decides"),
    "cases:decide": _(
        "Take the review steps and decisions of the client's own agency, and issue their "
        "results (its back-office system)"
    ),
}


def principal_for_user(user: User | None) -> Principal:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    if user.kind == User.Kind.APPLICANT:
        return Principal(kind="applicant", user=user)
    return Principal(kind="staff", user=user, assignments=user.loaded_assignments())


def principal_for_client(client) -> Principal:
    return Principal(kind="client", client=client, scopes=frozenset(client.scopes))


Rule = Callable[[Principal, Any], bool]
ScopeFilter = Callable[[Principal, QuerySet], QuerySet]
_rules: dict[str, Rule] = {}
_scopes: dict[str, ScopeFilter] = {}
_messages: dict[str, Any] = {}


def rule(action: str, message: Any = None) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``action``; ``message`` says why it was refused."""

    def decorator(function: Rule) -> Rule:
        _rules[action] = function
        if message is not None:
            _messages[action] = message
        return function

    return decorator


def scope(action: str) -> Callable[[ScopeFilter], ScopeFilter]:
    """Register how to narrow a queryset to the rows ``action`` is allowed on."""

    def decorator(function: ScopeFilter) -> ScopeFilter:
        _scopes[action] = function
        return function

    return decorator


def actions() -> list[str]:
    return sorted(_rules)


def allows(principal: Principal, action: str, obj: Any = None) -> bool:
    try:
        decide = _rules[action]
    except KeyError:
        raise KeyError(f"no policy rule for action {action!r}") from None
    return bool(decide(principal, obj))


class OutOfScope(PermissionDenied):
    """Refused by the policy; ``message`` is translated for the person refused."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


def refusal_message(action: str) -> Any:
    return _messages.get(action, _("You are not allowed to do this."))


def require(principal: Principal, action: str, obj: Any = None) -> None:
    if not allows(principal, action, obj):
        raise OutOfScope(refusal_message(action))


def visible(principal: Principal, action: str, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to what ``principal`` may ``action``; nothing if no scope rule."""
    narrow = _scopes.get(action)
    if narrow is None:
        return queryset.none()
    return narrow(principal, queryset)


# --- org rules -------------------------------------------------------------------------

PUBLIC_READ = ("org.view_region", "org.view_agency", "org.view_service_point", "org.view_window")
for _action in PUBLIC_READ:
    rule(_action)(lambda principal, obj: True)
    scope(_action)(lambda principal, queryset: queryset)


@rule("org.view_staff", _("You can only see staff of your own agency or service point."))
def _view_staff(principal: Principal, member: User | None) -> bool:
    if principal.kind == "client":
        return "org:read" in principal.scopes
    if principal.kind != "staff":
        return False
    if member is None or principal.is_platform_admin:
        return True
    return visible(principal, "org.view_staff", User.objects.filter(pk=member.pk)).exists()


@scope("org.view_staff")
def _staff_scope(principal: Principal, queryset: QuerySet) -> QuerySet:
    queryset = queryset.filter(kind=User.Kind.STAFF)
    if principal.is_platform_admin:
        return queryset
    if principal.kind == "client":
        if "org:read" not in principal.scopes:
            return queryset.none()
        return queryset.filter(assignments__agency_id__in=principal.agency_ids()).distinct()
    if principal.kind != "staff":
        return queryset.none()
    return queryset.filter(
        Q(assignments__agency_id__in=principal.agency_ids())
        | Q(assignments__service_point_id__in=principal.service_point_ids())
    ).distinct()


COUNTER_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.HELPER_AGENT, StaffRole.HALL_MANAGER)


@rule(
    "org.register_applicant",
    _(
        "Only window clerks, helper agents and hall managers of this service point register applicants."
    ),
)
def _register_applicant(principal: Principal, service_point: Any = None) -> bool:
    if principal.kind == "client":
        return "applicants:write" in principal.scopes
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    if service_point is None:
        return bool(principal.service_point_ids(*COUNTER_ROLES))
    return service_point.pk in principal.service_point_ids(*COUNTER_ROLES)


@rule("org.view_applicant", _("You can only see your own applicant record."))
def _view_applicant(principal: Principal, applicant: Applicant | None) -> bool:
    if applicant is None:
        return principal.kind in {"staff", "applicant", "client"}
    return visible(
        principal, "org.view_applicant", Applicant.objects.filter(pk=applicant.pk)
    ).exists()


@scope("org.view_applicant")
def _applicant_scope(principal: Principal, queryset: QuerySet) -> QuerySet:
    if principal.kind == "applicant":
        return queryset.filter(account=principal.user)
    if principal.kind == "client":
        return queryset if "applicants:read" in principal.scopes else queryset.none()
    if principal.kind != "staff":
        return queryset.none()
    if principal.is_platform_admin:
        return queryset
    # Counter staff look applicants up to serve them at any point in the city (市域通办);
    # others will see applicants through the cases they handle, under the cases app's own
    # actions (registering the same action name again would replace this rule, not add).
    if principal.service_point_ids(*COUNTER_ROLES):
        return queryset
    return queryset.none()


@rule("org.update_own_profile", _("Only the applicant can change their own contact details."))
def _update_own_profile(principal: Principal, applicant: Applicant | None) -> bool:
    return (
        principal.kind == "applicant"
        and applicant is not None
        and applicant.account_id == principal.user.pk
    )


@rule("org.set_window_status", _("Only the manager of this hall can open or close its windows."))
def _set_window_status(principal: Principal, window: Window | None) -> bool:
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    managed = principal.service_point_ids(StaffRole.HALL_MANAGER)
    return bool(managed) if window is None else window.service_point_id in managed
