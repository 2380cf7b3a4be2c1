from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.admin import AuditedAdminMixin
from tongban.org.policy import principal_for_user

from . import actions, transitions
from .models import Certificate, CertificateEvent, CertificateType


@admin.register(CertificateType)
class CertificateTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Editable by administrators: the city's certificate types and how they print."""

    list_display = ["type_code", "name", "validity_months", "number_prefix", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["type_code", "name"]
    filter_horizontal = ["items"]


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    fields = ["at", "action", "operation_code", "from_status", "to_status", "reason", "actor_label"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CertificateAdminForm(forms.ModelForm):
    change_action = forms.ChoiceField(
        label=_("Change the status"),
        required=False,
        choices=[
            ("", "—"),
            *((a, transitions.ACTION_VERBS[a]) for a in transitions.STAFF_ACTIONS),
        ],
    )
    change_reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Certificate
        fields: list[str] = []


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only, except a status change with its reason (the same action as the
    workbench's, audited and recorded in the history)."""

    form = CertificateAdminForm
    list_display = ["number", "type_name", "holder_name", "issuer_name", "issue_date", "status"]
    list_filter = ["status", "type_name"]
    search_fields = ["identifier", "number", "holder_name", "issuer_name"]
    list_select_related = ["cert_type"]
    inlines = [CertificateEventInline]
    readonly = [
        "identifier",
        "cert_type",
        "number",
        "holder_name",
        "holder_id_type",
        "holder_id_masked",
        "applicant",
        "case",
        "issuer_name",
        "issuer_code",
        "issue_date",
        "valid_from",
        "valid_to",
        "status",
        "version",
        "previous",
        "data",
        "file",
        "file_sha256",
        "signer_key",
        "status_changed_at",
    ]
    fields = [*readonly, "change_action", "change_reason"]
    readonly_fields = readonly

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        action = form.cleaned_data.get("change_action")
        if not change or not action:
            return  # nothing else is edited here
        try:
            actions.change_status(
                principal_for_user(request.user),
                obj,
                action,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except (PermissionDenied, ValidationError, transitions.IllegalTransition) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("The certificate's status was changed."))

    def save_related(self, request, form, formsets, change):
        pass  # the history is appended by the action, never edited here
