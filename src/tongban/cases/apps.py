from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from . import policy_rules

        policy_rules.register()
