"""Working-day calendar permissions, registered with the one policy module (tongban.org.policy)."""

from django.utils.translation import gettext_lazy as _

from tongban.org.policy import Principal, rule

EDIT_CALENDAR = "workdays.edit_calendar"


def _edits_calendar(principal: Principal, obj=None) -> bool:
    # "system": the command line (tongban workdays import), run by whoever runs the server.
    return principal.kind == "system" or (principal.kind == "staff" and principal.is_platform_admin)


def register() -> None:
    rule("workdays.view_calendar")(lambda principal, obj: True)
    rule(
        EDIT_CALENDAR,
        _("Only platform administrators enter holiday schedules and local closures."),
    )(_edits_calendar)
