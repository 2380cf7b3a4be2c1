from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        import datetime as dt

        from tongban.core import periodic

        from . import policy_rules, tasks

        policy_rules.register()
        periodic.register("cases.check_deadlines", dt.timedelta(minutes=10), tasks.check_deadlines)
