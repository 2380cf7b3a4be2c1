"""The registry and the vocabulary of the name check, edited by platform administrators."""

from django.contrib import admin

from tongban.core.admin import AuditedAdminMixin

from .models import BannedWord, IndustryTerm, RegisteredName


@admin.register(RegisteredName)
class RegisteredNameAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("full_name", "division", "trade_name", "industry", "form", "region", "status")
    list_filter = ("status", "form", "industry_group")
    search_fields = ("full_name", "trade_name", "normalized")
    readonly_fields = (
        "division",
        "trade_name",
        "industry",
        "form",
        "normalized",
        "name_key",
        "industry_group",
        "trade_pinyin",
    )
    raw_id_fields = ("region", "applicant")
    date_hierarchy = "registered_on"


@admin.register(BannedWord)
class BannedWordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("word", "kind", "reason")
    list_filter = ("kind",)
    search_fields = ("word", "reason")


@admin.register(IndustryTerm)
class IndustryTermAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("term", "group_code", "group_name")
    list_filter = ("group_code",)
    search_fields = ("term", "group_code", "group_name")
