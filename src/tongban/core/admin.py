"""Admin for the core tables, and the mixin that audits every admin edit."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import audit, notifications
from .models import AuditEntry, Notification


class AuditedAdminMixin:
    """Every save and delete made in the admin appends an audit entry with the diff."""

    audit_exclude: tuple[str, ...] = ()

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            original = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(original, exclude=self.audit_exclude) if original else {}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, exclude=self.audit_exclude)
        changes = audit.diff(before, after)
        if changes or not change:
            audit.record("admin.change" if change else "admin.add", obj, changes=changes)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for obj in [*formset.new_objects, *(o for o, _f in formset.changed_objects)]:
                audit.record("admin.inline_save", obj, changes={"parent": str(form.instance.pk)})
            for obj in formset.deleted_objects:
                audit.record("admin.inline_delete", obj, changes=audit.snapshot(obj))

    def delete_model(self, request, obj):
        audit.record("admin.delete", obj, changes=audit.snapshot(obj, exclude=self.audit_exclude))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(
                "admin.delete", obj, changes=audit.snapshot(obj, exclude=self.audit_exclude)
            )
        super().delete_queryset(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is appended by actions, never edited."""

    list_display = [
        "sequence",
        "recorded_at",
        "actor_label",
        "actor_role",
        "action",
        "object_type",
        "object_label",
    ]
    list_filter = ["action", "object_type", "actor_role"]
    search_fields = ["actor_label", "object_id", "object_label", "request_id"]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "channel", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "recipient__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Resend the selected failed notifications"))
    def resend_failed(self, request, queryset):
        failed = list(queryset.filter(status=Notification.Status.FAILED))
        for notification in failed:
            notifications.resend(notification)
        self.message_user(
            request,
            _("%(count)d notifications queued again.") % {"count": len(failed)},
            messages.SUCCESS,
        )
