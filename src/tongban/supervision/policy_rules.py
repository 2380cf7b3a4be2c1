"""Who may see and act on pushed results (registered with ``tongban.org.policy``).

- ``supervision.view_push``: staff of the supervising department the push went to (any
  role); staff of the agency that decided the case (they see to whom its result went);
  the approval bureau's section chiefs and any auditor (they follow the claim rates);
  platform administrators; the system.
- ``supervision.claim_push``: the department's supervising officers and section chiefs
  (认领 is the department's own act: an administrator does not claim for it).
- ``supervision.resend_push``: the department's officers and chiefs, platform
  administrators.
- ``supervision.view_claim_rates``: the department's officers and chiefs (their own
  department), the bureau's chiefs, auditors and platform administrators (every one).
- ``supervision.manage_endpoints``: platform administrators.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import ItemVersion
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal, rule, scope

DEPARTMENT_ROLES = (StaffRole.SUPERVISING_OFFICER, StaffRole.SECTION_CHIEF)


def sees_everything(principal: Principal) -> bool:
    """The bureau's chiefs, auditors and platform administrators follow every department."""
    if principal.kind == "system":
        return True
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin or StaffRole.AUDITOR in principal.roles:
        return True
    return any(
        a.role == StaffRole.SECTION_CHIEF
        and a.agency_id
        and a.agency.kind == Agency.Kind.APPROVAL_BUREAU
        for a in principal.assignments
    )


def department_ids(principal: Principal) -> set[int]:
    """The departments whose results this person claims."""
    if principal.kind != "staff":
        return set()
    return principal.agency_ids(*DEPARTMENT_ROLES)


def is_department(principal: Principal) -> bool:
    """Whether this person works for a supervising department: an officer anywhere, or a
    chief of an agency the catalog names as supervising some item."""
    if principal.kind != "staff":
        return False
    if principal.agency_ids(StaffRole.SUPERVISING_OFFICER):
        return True
    chiefs_of = principal.agency_ids(StaffRole.SECTION_CHIEF)
    if not chiefs_of:
        return False
    links = ItemVersion.supervising_agencies.through.objects
    return links.filter(agency_id__in=chiefs_of).exists()


def _visible(principal: Principal, queryset: QuerySet) -> QuerySet:
    if sees_everything(principal):
        return queryset
    if principal.kind != "staff":
        return queryset.none()
    agencies = principal.agency_ids()
    return queryset.filter(Q(agency_id__in=agencies) | Q(case__deciding_agency_id__in=agencies))


def _view(principal: Principal, push) -> bool:
    if push is None:
        return principal.kind == "staff" or principal.kind == "system"
    if sees_everything(principal):
        return True
    if principal.kind != "staff":
        return False
    agencies = principal.agency_ids()
    return push.agency_id in agencies or push.case.deciding_agency_id in agencies


def _claim(principal: Principal, push) -> bool:
    if push is None:
        return is_department(principal)
    return push.agency_id in department_ids(principal)


def _resend(principal: Principal, push) -> bool:
    if principal.kind == "staff" and principal.is_platform_admin:
        return True
    return _claim(principal, push)


def _claim_rates(principal: Principal, agency=None) -> bool:
    if sees_everything(principal):
        return True
    if agency is None:
        return is_department(principal)
    return getattr(agency, "pk", agency) in department_ids(principal)


def _manage(principal: Principal, obj=None) -> bool:
    return principal.kind == "staff" and principal.is_platform_admin


def register() -> None:
    rule("supervision.view_push", _("You can only see the results pushed to your department."))(
        _view
    )
    scope("supervision.view_push")(_visible)
    rule(
        "supervision.claim_push",
        _("Only the supervising department's officers and chiefs claim its results."),
    )(_claim)
    rule(
        "supervision.resend_push",
        _("Only the department's officers and chiefs or an administrator send a result again."),
    )(_resend)
    rule(
        "supervision.view_claim_rates",
        _("Only the departments, the bureau's chiefs and auditors see claim rates."),
    )(_claim_rates)
    rule(
        "supervision.manage_endpoints",
        _("Only a platform administrator manages the departments' webhook endpoints."),
    )(_manage)
