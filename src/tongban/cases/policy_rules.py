"""Case permissions, registered with the one policy module (tongban.org.policy)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.org.models import StaffRole
from tongban.org.policy import Principal, rule, scope


def _view(principal: Principal, case) -> bool:
    from .permissions import can_view

    if case is not None and principal.kind == "client":
        return _client_reads(principal) and case.deciding_agency_id == principal.client.agency_id
    return case is not None and can_view(principal, case)


def _client_reads(principal: Principal) -> bool:
    """A department's system reads the cases its agency decides (scope ``cases:read``, or
    ``cases:decide``: a system deciding cases reads them)."""
    return bool({"cases:read", "cases:decide"} & principal.scopes)


def _visible(principal: Principal, queryset):
    """Cases a person may open: their own, their agency's, their service point's."""
    if principal.kind == "system" or principal.is_platform_admin:
        return queryset
    if principal.kind == "client":
        if not _client_reads(principal):
            return queryset.none()
        return queryset.filter(deciding_agency_id=principal.client.agency_id)
    user = principal.user
    if user is None:
        return queryset.none()
    if principal.kind == "applicant":
        return queryset.filter(Q(applicant__account=user) | Q(submitted_by=user))
    if principal.kind != "staff":
        return queryset.none()
    points = principal.service_point_ids()
    return queryset.filter(
        Q(deciding_agency_id__in=principal.agency_ids())
        | Q(step_agency_id__in=principal.agency_ids())
        | Q(service_point_id__in=points)
        | Q(pickup_point_id__in=points)
        | Q(submitted_by=user)
    )


def _accept_at_window(principal: Principal, obj=None) -> bool:
    return principal.kind == "staff" and bool(principal.service_point_ids(StaffRole.WINDOW_CLERK))


def register() -> None:
    rule("cases.view_case", _("You can only see cases of your own agency or service point."))(_view)
    scope("cases.view_case")(_visible)
    rule("cases.accept_at_window", _("Only window clerks accept applications."))(_accept_at_window)
