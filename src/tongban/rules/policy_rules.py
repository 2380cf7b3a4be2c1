"""Decision-rule permissions, registered with the one policy module (tongban.org.policy).

- ``rules.view``: staff (any role) and API clients read rules and run the test bench.
- ``rules.edit``: upload a revision, change a mode or effective date, save a test — the
  catalog administrators (``catalog_admin``) and platform administrators; an API client
  with the ``catalog:write`` scope.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tongban.org.models import StaffRole
from tongban.org.policy import Principal, rule


def _views(principal: Principal, _obj: Any = None) -> bool:
    return principal.kind in ("staff", "client", "system")


def _edits(principal: Principal, _obj: Any = None) -> bool:
    if principal.kind == "client":
        return "catalog:write" in principal.scopes
    return principal.kind == "staff" and principal.has_role(StaffRole.CATALOG_ADMIN)


def register() -> None:
    rule("rules.view", _("Decision rules are for staff."))(_views)
    rule("rules.edit", _("Only catalog administrators edit decision rules."))(_edits)
