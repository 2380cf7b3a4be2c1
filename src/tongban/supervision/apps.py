from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Approval–supervision interaction (审管互动): results pushed to the supervising
    departments, claimed by them, delivered to their systems by signed webhook."""

    name = "tongban.supervision"
    label = "supervision"
    verbose_name = _("Supervision after approval")
