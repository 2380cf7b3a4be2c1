import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit-based approval (信用审批): applicants' credit records and what they change."""

    name = "tongban.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from tongban.core import periodic

        from . import importing, receivers, tasks  # noqa: F401  (importing registers adapters)

        receivers.connect()
        periodic.register("credit.sync", dt.timedelta(hours=1), tasks.sync_credit_database)
