from django.contrib import admin

from .models import BundleCase, BundleMember


class BundleMemberInline(admin.TabularInline):
    model = BundleMember
    extra = 0
    can_delete = False
    readonly_fields = ["case", "order", "outcome"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BundleCase)
class BundleCaseAdmin(admin.ModelAdmin):
    """Read-only: applications change through their actions, never by editing rows."""

    list_display = ["code", "bundle", "applicant", "status", "submitted_at", "due"]
    list_filter = ["status", "bundle"]
    search_fields = ["code"]
    inlines = [BundleMemberInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
