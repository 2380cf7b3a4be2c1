"""Admin for the organisation: every edit audited; identifiers validated by the models."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tongban.core.admin import AuditedAdminMixin
from tongban.core.identifiers import validate_resident_id

from . import actions, authentication
from .models import (
    Agency,
    ApiClient,
    Applicant,
    OpeningPeriod,
    Region,
    ServicePoint,
    StaffAssignment,
    User,
    Window,
)
from .policy import API_SCOPES


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "is_active"]
    list_filter = ["kind", "is_active", "region__level"]
    search_fields = ["name", "short_name", "credit_code"]
    autocomplete_fields = ["region", "parent"]


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0
    fields = ["number", "name", "kind", "is_open"]
    show_change_link = True


@admin.register(ServicePoint)
class ServicePointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "address", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region", "operator"]
    inlines = [OpeningPeriodInline, WindowInline]


@admin.register(Window)
class WindowAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "name", "kind", "service_point", "is_open"]
    list_filter = ["kind", "is_open", "service_point__kind"]
    search_fields = ["number", "name", "service_point__name"]
    autocomplete_fields = ["service_point", "agencies"]


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    extra = 0
    autocomplete_fields = ["agency", "service_point", "window"]


@admin.register(User)
class AccountAdmin(AuditedAdminMixin, UserAdmin):
    audit_exclude = ("password", "last_login")
    list_display = ["username", "full_name", "kind", "is_active", "locked_until"]
    list_filter = ["kind", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password", "kind"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "failed_logins", "locked_until"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "kind", "full_name", "phone", "password1", "password2"]}),
    ]
    readonly_fields = ["failed_logins", "locked_until", "last_login", "date_joined"]
    inlines = [StaffAssignmentInline]
    actions = ["unlock_accounts"]

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            authentication.unlock(user)
        self.message_user(request, _("Accounts unlocked."), messages.SUCCESS)


class ApplicantAdminForm(forms.ModelForm):
    id_number = forms.CharField(
        label=_("ID card number"),
        required=False,
        max_length=18,
        help_text=_(
            "Write-only: stored encrypted, shown masked. Leave empty to keep the current one."
        ),
    )

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "name",
            "account",
            "credit_code",
            "legal_representative",
            "phone",
            "address",
            "region",
            "registered_at",
        ]

    def clean_id_number(self):
        raw = self.cleaned_data.get("id_number")
        return validate_resident_id(raw) if raw else ""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Applicant.Kind.PERSON:
            if cleaned.get("credit_code"):
                self.add_error("credit_code", _("A natural person has no credit code."))
            if not cleaned.get("id_number") and not self.instance.id_number_encrypted:
                self.add_error("id_number", _("A natural person needs an ID card number."))
        elif kind == Applicant.Kind.LEGAL:
            if not cleaned.get("credit_code"):
                self.add_error(
                    "credit_code", _("A legal person needs a unified social credit code.")
                )
            cleaned["credit_code"] = cleaned.get("credit_code") or None
        return cleaned

    def save(self, commit=True):
        applicant = super().save(commit=False)
        if self.cleaned_data.get("id_number"):
            applicant.set_id_number(self.cleaned_data["id_number"])
        if applicant.kind == Applicant.Kind.LEGAL:
            applicant.id_number_encrypted, applicant.id_number_index, applicant.id_number_masked = (
                "",
                None,
                "",
            )
        if commit:
            applicant.save()
        return applicant


@admin.register(Applicant)
class ApplicantAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ApplicantAdminForm
    audit_exclude = ("id_number_encrypted", "id_number_index")
    list_display = ["name", "kind", "identifier_display", "phone", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code", "phone"]
    readonly_fields = ["id_number_masked"]
    autocomplete_fields = ["account", "region", "registered_at"]


class ApiClientAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=list(API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "agency", "scopes", "is_active", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ApiClientAdminForm
    list_display = ["name", "agency", "token_prefix", "is_active", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        issued = actions.issue_api_client(obj.name, obj.agency, form.cleaned_data["scopes"])
        ApiClient.objects.filter(pk=issued.client.pk).update(
            is_active=obj.is_active, expires_at=obj.expires_at
        )
        obj.pk = issued.client.pk
        obj.token_prefix = issued.client.token_prefix
        obj.token_digest = issued.client.token_digest
        obj.created_at = issued.client.created_at
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy this token now; it will not be shown again:"),
                issued.token,
            ),
        )
        return None
