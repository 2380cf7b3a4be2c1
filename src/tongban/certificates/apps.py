from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Electronic certificates (电子证照): issued, signed, verifiable by anyone."""

    name = "tongban.certificates"
    label = "certificates"
    verbose_name = _("Electronic certificates")
