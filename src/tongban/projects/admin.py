"""Admin for the project configuration (categories, stage templates, parks, assessments)
and a read-mostly view of projects. Every edit is audited; stage changes go through the
actions (API), so stages are shown read-only here."""

import hashlib

from django.contrib import admin

from tongban.core.admin import AuditedAdminMixin

from .models import (
    IndustrialPark,
    Project,
    ProjectCategory,
    ProjectStage,
    RegionalAssessment,
    StageTemplate,
)


class StageTemplateInline(admin.TabularInline):
    model = StageTemplate
    extra = 0
    autocomplete_fields = ["lead_agency"]
    filter_horizontal = ["items"]


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "main_process_limit", "whole_process_limit", "red_percent"]
    search_fields = ["name", "code"]
    inlines = [StageTemplateInline]


@admin.register(StageTemplate)
class StageTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["category", "stage", "lead_agency", "limit_days"]
    list_filter = ["category", "stage"]
    autocomplete_fields = ["lead_agency"]
    filter_horizontal = ["items"]


@admin.register(IndustrialPark)
class IndustrialParkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]


def _digest(field_file) -> str:
    digest = hashlib.sha256()
    for chunk in field_file.chunks():
        digest.update(chunk)
    field_file.seek(0)
    return digest.hexdigest()


@admin.register(RegionalAssessment)
class RegionalAssessmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["park", "kind", "title", "valid_until", "created_at"]
    list_filter = ["kind", "park"]
    readonly_fields = ["sha256", "created_at"]
    autocomplete_fields = ["park"]

    def save_model(self, request, obj, form, change):
        if "document" in form.changed_data and obj.document:
            obj.sha256 = _digest(obj.document)  # the digest proves which file projects reused
        super().save_model(request, obj, form, change)


class ProjectStageInline(admin.TabularInline):
    model = ProjectStage
    extra = 0
    can_delete = False
    fields = ["stage", "lead_agency", "status", "started_at", "completed_at", "limit_days"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "builder", "category", "region", "is_major", "created_at"]
    list_filter = ["category", "is_major"]
    search_fields = ["code", "name", "builder__name"]
    autocomplete_fields = ["builder", "region", "park", "butler"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ProjectStageInline]
