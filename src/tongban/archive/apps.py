from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    """The applicant's archive (一企一档): what they submitted and received, reused."""

    name = "tongban.archive"
    label = "archive"
    verbose_name = _("Applicant archive")

    def ready(self) -> None:
        from . import actions

        actions.connect()
