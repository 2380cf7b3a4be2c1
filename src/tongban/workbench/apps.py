from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "tongban.workbench"
    label = "workbench"
    verbose_name = _("Staff workbench")

    def ready(self) -> None:
        # Registers the workbench's rules with the org policy before any request.
        from . import access  # noqa: F401
