from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Construction projects (工程建设项目): four stages, parallel approvals, time limits."""

    name = "tongban.projects"
    label = "projects"
    verbose_name = _("Construction projects")

    def ready(self) -> None:
        from . import policy_rules

        policy_rules.register()
