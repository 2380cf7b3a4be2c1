from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "tongban.training"
    label = "training"
    verbose_name = _("Staff training")

    def ready(self) -> None:
        from . import policy_rules

        policy_rules.register()
