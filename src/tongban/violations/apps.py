from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolationsConfig(AppConfig):
    """Violation notices (告知函) from supervising departments and the bureau's decision
    on the licence they concern (change, revoke, cancel, withdraw)."""

    name = "tongban.violations"
    label = "violations"
    verbose_name = _("Violation notices")

    def ready(self) -> None:
        from . import actions, policy_rules

        policy_rules.register()
        actions.connect()
