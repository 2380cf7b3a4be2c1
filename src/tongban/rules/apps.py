from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    """Decision rules (审批规则): JDM decision tables per item version, every evaluation kept."""

    name = "tongban.rules"
    label = "rules"
    verbose_name = _("Decision rules")

    def ready(self) -> None:
        from . import services  # noqa: F401  (registers the policy rule)
