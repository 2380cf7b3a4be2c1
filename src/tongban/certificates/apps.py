from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Electronic certificates (电子证照): issued, signed, verifiable by anyone."""

    name = "tongban.certificates"
    label = "certificates"
    verbose_name = _("Electronic certificates")

    def ready(self) -> None:
        import datetime as dt

        from tongban.core import periodic

        # ``library`` and ``signing`` register their adapters (data source, signer).
        from . import actions, library, policy_rules, signing, tasks  # noqa: F401

        policy_rules.register()
        actions.connect()
        periodic.register("certificates.expire", dt.timedelta(hours=1), tasks.expire_certificates)
