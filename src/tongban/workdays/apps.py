from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "tongban.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import clock, models, policy_rules

        policy_rules.register()
        # Any change to the calendar drops the cached snapshots of this process at once.
        for model in (models.CalendarDay, models.ScheduleYear):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    clock.invalidate,
                    sender=model,
                    dispatch_uid=f"workdays-invalidate-{name}-{model._meta.label}",
                )
        from tongban.org.models import OpeningPeriod

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                clock.forget_office_hours,
                sender=OpeningPeriod,
                dispatch_uid=f"workdays-office-hours-{name}",
            )
