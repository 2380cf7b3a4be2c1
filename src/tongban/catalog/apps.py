from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = _("Service catalog")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from . import models, policy_rules

        policy_rules.register()
        # .set()/.add() on links bypass save(): guard them too.
        for through in (
            models.ItemVersion.supervising_agencies.through,
            models.Material.applies_when.through,
        ):
            m2m_changed.connect(
                models.refuse_links_on_published,
                sender=through,
                dispatch_uid=f"immutable-{through._meta.label}",
            )
