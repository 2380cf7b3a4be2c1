"""Who may do what with violation notices (告知函), registered with the one policy module.

- ``violations.report``: a supervising officer or section chief of a department that
  supervises the licence's item (``ItemVersion.supervising_agencies``).
- ``violations.view_notice``: staff of the reporting department; section chiefs of the
  deciding agency; a platform administrator; the system.
- ``violations.decide``: a section chief of the deciding agency (the one who may change,
  revoke, cancel or withdraw the case's result, ``cases.transitions`` "chief").
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal, rule, scope

REPORTING_ROLES = (StaffRole.SUPERVISING_OFFICER, StaffRole.SECTION_CHIEF)


def reporting_agency_ids(principal: Principal, case: Case | None = None) -> set[int]:
    """The departments ``principal`` may report for: those of their officer or chief
    assignments, narrowed to the departments supervising ``case``'s item when given."""
    if principal.kind != "staff":
        return set()
    mine = {a.agency_id for a in principal.assignments if a.agency_id and a.role in REPORTING_ROLES}
    if not mine:
        return mine
    if case is None:
        # A chief reports for a department that supervises something, not for the bureau.
        officers = principal.agency_ids(StaffRole.SUPERVISING_OFFICER)
        chiefs = mine - officers
        if chiefs:
            chiefs = set(
                Agency.objects.filter(pk__in=chiefs, supervised_item_versions__isnull=False)
                .values_list("pk", flat=True)
                .distinct()
            )
        return (mine & officers) | chiefs
    supervising = set(case.item_version.supervising_agencies.values_list("pk", flat=True))
    return mine & supervising


def _may_report(principal: Principal, case: Case | None) -> bool:
    return bool(reporting_agency_ids(principal, case))


def _visible(principal: Principal, queryset: QuerySet) -> QuerySet:
    if principal.kind == "system" or principal.is_platform_admin:
        return queryset
    if principal.kind != "staff":
        return queryset.none()
    return queryset.filter(
        Q(agency_id__in=principal.agency_ids())
        | Q(deciding_agency_id__in=principal.agency_ids(StaffRole.SECTION_CHIEF))
    )


def _may_view(principal: Principal, notice) -> bool:
    if principal.kind == "system" or principal.is_platform_admin:
        return True
    if principal.kind != "staff":
        return False
    if notice is None:
        return True
    return notice.agency_id in principal.agency_ids() or (
        notice.deciding_agency_id in principal.agency_ids(StaffRole.SECTION_CHIEF)
    )


def may_decide(principal: Principal, notice) -> bool:
    if principal.kind != "staff":
        return False
    chiefs_of = principal.agency_ids(StaffRole.SECTION_CHIEF)
    if notice is None:
        return bool(chiefs_of)
    return notice.deciding_agency_id in chiefs_of


def register() -> None:
    rule(
        "violations.report",
        _(
            "Only a supervising officer or section chief of a department that supervises "
            "this licence's service item can report a violation."
        ),
    )(_may_report)
    rule(
        "violations.view_notice",
        _("Only the reporting department and the deciding agency's chiefs can see this notice."),
    )(_may_view)
    scope("violations.view_notice")(_visible)
    rule(
        "violations.decide",
        _("Only a section chief of the agency that issued the licence decides on a notice."),
    )(may_decide)
