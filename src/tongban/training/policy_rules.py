"""Training permissions, registered with tongban.org.policy."""

from django.utils.translation import gettext_lazy as _

from tongban.org.policy import Principal, allows, rule


def register() -> None:
    rule("training.view_lessons")(lambda principal, obj: principal.kind == "staff")
    rule("training.complete_lesson", _("Only staff members record their own studies."))(
        lambda principal, lesson: principal.kind == "staff"
    )
    rule(
        "training.add_lesson",
        _("Only the item's catalog administrators add lessons."),
    )(lambda principal, item: allows(principal, "catalog.edit_item", item))
    rule(
        "training.view_status",
        _("Only hall managers see who has studied what."),
    )(_views_status)


def _views_status(principal: Principal, service_point) -> bool:
    from tongban.org.models import StaffRole

    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    managed = principal.service_point_ids(StaffRole.HALL_MANAGER)
    return bool(managed) if service_point is None else service_point.pk in managed
