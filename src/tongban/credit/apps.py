from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit-based approval (信用审批): applicants' credit records and what they change."""

    name = "tongban.credit"
    label = "credit"
    verbose_name = _("Credit")
