from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    """Enterprise name self-declaration (企业名称自主申报): a proposed name checked first."""

    name = "tongban.naming"
    label = "naming"
    verbose_name = _("Enterprise names")
