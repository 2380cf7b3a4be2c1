"""Decision rules in the admin, read-only: the workbench uploads revisions, switches
modes and saves tests (audited); evaluations are append-only."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import DecisionRule, RuleEvaluation, RuleTest


def _pretty(value) -> str:
    return format_html(
        '<pre class="mono">{}</pre>', json.dumps(value, ensure_ascii=False, indent=2)
    )


class RuleTestInline(admin.TabularInline):
    model = RuleTest
    extra = 0
    fields = ["name", "expected_outcome", "expected_reason_contains"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DecisionRule)
class DecisionRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "item_version", "revision", "mode", "effective_from", "uploaded_at"]
    list_filter = ["mode"]
    search_fields = ["name", "item_version__name"]
    list_select_related = ["item_version"]
    fields = [
        "item_version",
        "revision",
        "name",
        "sources",
        "effective_from",
        "mode",
        "note",
        "uploaded_by",
        "uploaded_at",
        "jdm_sha256",
        "jdm_display",
    ]
    readonly_fields = fields
    inlines = [RuleTestInline]

    @admin.display(description=_("decision graph (JDM)"))
    def jdm_display(self, obj: DecisionRule) -> str:
        return _pretty(obj.jdm)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RuleEvaluation)
class RuleEvaluationAdmin(admin.ModelAdmin):
    list_display = ["at", "rule", "revision", "mode", "outcome", "decided", "case"]
    list_filter = ["outcome", "mode", "decided"]
    search_fields = ["case__code", "rule__name"]
    list_select_related = ["rule", "case"]
    date_hierarchy = "at"
    fields = [
        "at",
        "case",
        "rule",
        "revision",
        "mode",
        "outcome",
        "reasons",
        "decided",
        "duration_us",
        "inputs_display",
        "outputs_display",
        "trace_display",
    ]
    readonly_fields = fields

    @admin.display(description=_("inputs"))
    def inputs_display(self, obj: RuleEvaluation) -> str:
        return _pretty(obj.inputs)

    @admin.display(description=_("outputs"))
    def outputs_display(self, obj: RuleEvaluation) -> str:
        return _pretty(obj.outputs)

    @admin.display(description=_("trace"))
    def trace_display(self, obj: RuleEvaluation) -> str:
        return _pretty(obj.trace)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
