"""Catalog permissions, registered with the one policy module (tongban.org.policy)."""

from django.utils.translation import gettext_lazy as _

from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal, rule, scope


def _edits(principal: Principal, item) -> bool:
    if principal.kind == "client":
        return "catalog:write" in principal.scopes and (
            item is None or item.agency_id in principal.agency_ids()
        )
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    agencies = principal.agency_ids(StaffRole.CATALOG_ADMIN)
    return bool(agencies) if item is None else item.agency_id in agencies


def _publishes(principal: Principal, item) -> bool:
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    # The approval bureau's catalog administrators review every agency's items.
    bureau_admin = any(
        a.role == StaffRole.CATALOG_ADMIN
        and a.agency
        and a.agency.kind == Agency.Kind.APPROVAL_BUREAU
        for a in principal.assignments
    )
    return bureau_admin or (
        item is not None and item.agency_id in principal.agency_ids(StaffRole.SECTION_CHIEF)
    )


def _managed(principal: Principal, queryset):
    """Items whose drafts this person edits or reviews (the workbench catalog page)."""
    if principal.kind != "staff":
        return queryset.none()
    if principal.is_platform_admin or _is_bureau_catalog_admin(principal):
        return queryset
    return queryset.filter(
        agency_id__in=principal.agency_ids(StaffRole.CATALOG_ADMIN, StaffRole.SECTION_CHIEF)
    )


def _is_bureau_catalog_admin(principal: Principal) -> bool:
    return any(
        a.role == StaffRole.CATALOG_ADMIN
        and a.agency
        and a.agency.kind == Agency.Kind.APPROVAL_BUREAU
        for a in principal.assignments
    )


def register() -> None:
    scope("catalog.manage_item")(_managed)
    rule("catalog.view_item")(lambda principal, item: True)
    scope("catalog.view_item")(lambda principal, queryset: queryset)
    rule("catalog.edit_item", _("Only catalog administrators of the item's agency edit it."))(
        _edits
    )
    rule(
        "catalog.publish_item",
        _(
            "Only the approval bureau's catalog administrators or the agency's section chief publish items."
        ),
    )(_publishes)
