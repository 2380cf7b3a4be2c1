from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundlesConfig(AppConfig):
    """One-thing bundles (一件事): several items applied for together, decided in parallel."""

    name = "tongban.bundles"
    label = "bundles"
    verbose_name = _("Bundled applications")

    def ready(self) -> None:
        from . import actions

        actions.connect()
