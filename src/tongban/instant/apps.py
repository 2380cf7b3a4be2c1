from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstantConfig(AppConfig):
    """Instant approval (秒批): shared data, decision rules and certificates on submission."""

    name = "tongban.instant"
    label = "instant"
    verbose_name = _("Instant approval")

    def ready(self) -> None:
        from tongban.cases import hooks
        from tongban.sharing import services as sharing

        from . import archive_link, services

        hooks.register_submit_handler(services.on_submitted)
        sharing.register_need(services.sources_needed, purpose=services.PURPOSE)
        archive_link.connect()
