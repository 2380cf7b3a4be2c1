from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """Decision rules (审批规则): JDM decision tables per item version, every evaluation kept."""

    name = "tongban.rules"
    label = "rules"
    verbose_name = _("Decision rules")

    def ready(self) -> None:
        from . import policy_rules, services  # noqa: F401  (services: the in-force cache)

        policy_rules.register()
