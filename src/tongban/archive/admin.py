from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.admin import AuditedAdminMixin
from tongban.org.policy import principal_for_user

from . import actions
from .models import ArchivedDocument, ArchiveReuse, ValidityRule


@admin.register(ValidityRule)
class ValidityRuleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Editable: how long each material may be reused (data of the city, audited)."""

    list_display = ["material_key", "months", "note"]
    search_fields = ["material_key", "note"]


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(admin.ModelAdmin):
    """Read-only, except revoking: write the reason and save (the revoke action, audited)."""

    list_display = [
        "name",
        "applicant",
        "kind",
        "received_at",
        "valid_until",
        "replaced_by",
        "revoked_at",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "material_key", "applicant__name", "source_case__code", "sha256"]
    list_select_related = ["applicant", "replaced_by"]
    fields = [
        "applicant",
        "kind",
        "name",
        "material_key",
        "file",
        "sha256",
        "size",
        "content_type",
        "source_case",
        "source_material",
        "received_at",
        "valid_until",
        "replaced_by",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        editable = {"revoked_reason"} if obj is not None and obj.revoked_at is None else set()
        return [name for name in self.fields if name not in editable]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        reason = (obj.revoked_reason or "").strip()
        if not change or not reason or "revoked_reason" not in form.changed_data:
            return  # nothing else is edited here
        try:
            actions.revoke(principal_for_user(request.user), obj, reason=reason)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The document is revoked and will not be reused."))


@admin.register(ArchiveReuse)
class ArchiveReuseAdmin(admin.ModelAdmin):
    """Read-only: the record of what a case took from the archive, and why."""

    list_display = ["case", "document", "at", "by"]
    search_fields = ["case__code", "document__name"]
    list_select_related = ["case", "document", "by"]
    readonly_fields = ["case", "case_material", "document", "at", "by", "reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
