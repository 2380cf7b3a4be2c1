"""Admin: data sources (editable, audited), the local adapter's records (editable: demo
and copied-in registers), the query log and the verifications (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tongban.core import audit
from tongban.core.admin import AuditedAdminMixin

from . import services
from .models import DataSource, MaterialVerification, SharedRecord, SharingQuery


@admin.register(DataSource)
class DataSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "holder", "adapter", "is_enabled"]
    list_filter = ["adapter", "is_enabled"]
    search_fields = ["code", "name", "holder"]


@admin.register(SharedRecord)
class SharedRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A register's record of one subject. On adding, the subject (ID number or credit
    code) is typed once and kept only as its keyed digest and masked form."""

    list_display = ["source", "subject_masked", "updated_at"]
    list_filter = ["source"]
    list_select_related = ["source"]
    readonly_fields = ["subject_masked", "updated_at"]
    # The record is personal data: the append-only audit log says that it changed, not how.
    audit_exclude = ("data", "subject_index")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "data" in form.changed_data:
            audit.record("admin.change", obj, changes={"data": ["…", "…"]})

    def get_fields(self, request, obj=None):
        return ["source", "subject", "data"] if obj is None else ["source", "subject_masked",
                                                                    "data", "updated_at"]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        from django import forms

        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)

        class AddForm(forms.ModelForm):
            subject = forms.CharField(
                label=_("ID number or credit code"),
                max_length=40,
                help_text=_("Kept only as a keyed digest and a masked form."),
            )

            class Meta:
                model = SharedRecord
                fields = ["source", "data"]

            def clean(self):
                cleaned = super().clean()
                subject = services.normalize(cleaned.get("subject", ""))
                source = cleaned.get("source")
                if (
                    subject
                    and source
                    and SharedRecord.objects.filter(
                        source=source, subject_index=services.subject_index(subject)
                    ).exists()
                ):
                    raise forms.ValidationError(_("This source already holds a record of them."))
                return cleaned

            def save(self, commit=True):
                record = super().save(commit=False)
                subject = services.normalize(self.cleaned_data["subject"])
                record.subject_index = services.subject_index(subject)
                record.subject_masked = services.mask(subject)
                if commit:
                    record.save()
                return record

        kwargs.pop("fields", None)
        return AddForm


@admin.register(SharingQuery)
class SharingQueryAdmin(admin.ModelAdmin):
    """Read-only: the append-only record of every question asked of a data source."""

    list_display = ["at", "source", "actor_label", "subject_masked", "case", "outcome",
                    "duration_ms"]  # fmt: skip
    list_filter = ["source", "outcome", "adapter"]
    search_fields = ["case__code", "actor_label", "purpose"]
    list_select_related = ["source", "case"]
    date_hierarchy = "at"
    exclude = ["subject_index"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SharingQuery._meta.fields if f.name != "subject_index"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MaterialVerification)
class MaterialVerificationAdmin(admin.ModelAdmin):
    """Read-only: what a data source confirmed for a case's material."""

    list_display = ["at", "case", "material", "source", "confirmed", "summary"]
    list_filter = ["source", "confirmed"]
    search_fields = ["case__code"]
    list_select_related = ["case", "material"]
    readonly_fields = ["case", "material", "source", "confirmed", "summary", "query", "at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
