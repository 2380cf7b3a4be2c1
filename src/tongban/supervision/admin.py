"""The Django admin's read-only view of pushes and attempts; endpoints are managed there
through the same actions as the API (the secret shown once, on the change message)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from tongban.org.policy import principal_for_user

from . import actions
from .models import DeliveryAttempt, Push, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["agency", "url", "is_enabled", "created_at", "secret_rotated_at"]
    list_filter = ["is_enabled"]
    fields = ["agency", "url", "is_enabled"]
    autocomplete_fields = ["agency"]
    actions = ["rotate"]

    def get_readonly_fields(self, request, obj=None):
        return ["agency"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        principal = principal_for_user(request.user)
        if change:
            actions.update_endpoint(principal, obj, url=obj.url, enabled=obj.is_enabled)
            return
        endpoint, secret = actions.create_endpoint(
            principal, obj.agency, obj.url, enabled=obj.is_enabled
        )
        obj.pk = endpoint.pk
        messages.warning(
            request,
            _("The endpoint's secret, shown only now: %(secret)s") % {"secret": secret},
        )

    @admin.action(description=_("Rotate the secret"))
    def rotate(self, request, queryset):
        principal = principal_for_user(request.user)
        for endpoint in queryset:
            _endpoint, secret = actions.rotate_secret(principal, endpoint)
            messages.warning(
                request,
                _("New secret of %(agency)s, shown only now: %(secret)s")
                % {"agency": endpoint.agency, "secret": secret},
            )


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "ended_at", "http_status", "outcome", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Push)
class PushAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "case",
        "agency",
        "event",
        "claimed_at",
        "escalated_at",
        "delivery_state",
        "attempts",
    ]
    list_filter = ["event", "delivery_state", "agency"]
    search_fields = ["case__code", "idempotency_key"]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
