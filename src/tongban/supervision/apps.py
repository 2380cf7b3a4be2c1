from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Approval–supervision interaction (审管互动): results pushed to the supervising
    departments, claimed by them, delivered to their systems by signed webhook."""

    name = "tongban.supervision"
    label = "supervision"
    verbose_name = _("Supervision after approval")

    def ready(self) -> None:
        import datetime as dt

        from tongban.core import periodic

        # ``webhooks`` registers the webhook adapters (http, local).
        from . import actions, policy_rules, tasks, webhooks  # noqa: F401

        policy_rules.register()
        actions.connect()
        periodic.register(
            "supervision.recover_deliveries", dt.timedelta(minutes=1), tasks.recover_deliveries
        )
        periodic.register(
            "supervision.escalate_unclaimed", dt.timedelta(minutes=30), tasks.escalate_unclaimed
        )
