from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    """Data sharing (数据共享): outside registers queried for a case, every query recorded."""

    name = "tongban.sharing"
    label = "sharing"
    verbose_name = _("Data sharing")
