from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """Data sharing (数据共享): outside registers queried for a case, every query recorded."""

    name = "tongban.sharing"
    label = "sharing"
    verbose_name = _("Data sharing")

    def ready(self) -> None:
        from tongban.cases import hooks

        from . import (
            adapters,  # noqa: F401  (registers the local and http adapters)
            services,
        )

        hooks.register_material_confirmer(services.confirmed_ids)
        hooks.case_acted.connect(services.on_case_acted, dispatch_uid="sharing.on_case_acted")
