"""Catalog administration: drafts are edited here; published versions are read-only.

Review and publication go through the catalog actions (four-eyes, audited), offered as
admin actions; the same actions serve the API.
"""

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.admin import AuditedAdminMixin
from tongban.org.policy import principal_for_user

from . import actions
from .models import (
    Bundle,
    BundleItem,
    Delegation,
    Item,
    ItemVersion,
    Material,
    ReviewStep,
    SituationOption,
    SituationQuestion,
    Synonym,
)
from .transitions import IllegalTransition


class _ReadOnlyWhenPublished:
    def _editable(self, obj) -> bool:
        version = obj if isinstance(obj, ItemVersion) else getattr(obj, "version", None)
        return version is None or version.is_editable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_add_permission(self, request, *args):
        # ModelAdmin passes only the request; inlines also pass the parent object.
        parent = args[0] if args else None
        return super().has_add_permission(request, *args) and self._editable(parent)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)


class MaterialInline(_ReadOnlyWhenPublished, admin.TabularInline):
    model = Material
    extra = 0
    fields = [
        "order",
        "name",
        "kind",
        "copies",
        "necessity",
        "source",
        "commitment_waivable",
        "applies_when",
    ]
    filter_horizontal = ["applies_when"]


class ReviewStepInline(_ReadOnlyWhenPublished, admin.TabularInline):
    """Empty: the default process for the item (see tongban.cases.steps)."""

    model = ReviewStep
    extra = 0
    fields = ["order", "kind", "name", "role", "agency", "share"]
    autocomplete_fields = ["agency"]


class QuestionInline(_ReadOnlyWhenPublished, admin.TabularInline):
    model = SituationQuestion
    extra = 0
    show_change_link = True


@admin.register(ItemVersion)
class ItemVersionAdmin(AuditedAdminMixin, _ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["name", "item", "number", "status", "effective_from"]
    list_filter = ["status", "item_type", "case_type", "online_depth"]
    search_fields = ["name", "keywords", "item__impl_code"]
    readonly_fields = [
        "item",
        "number",
        "status",
        "effective_from",
        "published_at",
        "published_by",
        "submitted_by",
    ]
    autocomplete_fields = ["delegating_agency", "supervising_agencies"]
    inlines = [QuestionInline, MaterialInline, ReviewStepInline]
    actions = ["submit_for_review", "publish_tomorrow"]

    def has_add_permission(self, request, obj=None):
        return False  # versions start as drafts copied by the start_draft action

    def _run(self, request, queryset, call, done):
        principal = principal_for_user(request.user)
        for version in queryset:
            try:
                call(principal, version)
            except (ValidationError, PermissionDenied, IllegalTransition) as error:
                message = getattr(error, "message", None) or "; ".join(
                    getattr(error, "messages", [str(error)])
                )
                self.message_user(request, f"{version}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"{version}: {done}", messages.SUCCESS)

    @admin.action(description=_("Submit the selected drafts for review"))
    def submit_for_review(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda p, v: actions.submit_for_review(
                p, v, change_note=v.change_note or str(_("Edited in the admin"))
            ),
            _("submitted for review"),
        )

    @admin.action(description=_("Publish the selected versions, in force from tomorrow"))
    def publish_tomorrow(self, request, queryset):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self._run(
            request,
            queryset,
            lambda p, v: actions.publish(p, v, effective_from=tomorrow),
            _("published"),
        )


class OptionInline(_ReadOnlyWhenPublished, admin.TabularInline):
    model = SituationOption
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.version.is_editable


@admin.register(SituationQuestion)
class SituationQuestionAdmin(AuditedAdminMixin, _ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["text", "version"]
    inlines = [OptionInline]


class VersionInline(admin.TabularInline):
    model = ItemVersion
    extra = 0
    fields = ["number", "name", "status", "effective_from"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0
    autocomplete_fields = ["region", "handling_agency"]


@admin.register(Item)
class ItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["impl_code", "__str__", "agency", "cancelled_on"]
    list_filter = ["agency"]
    search_fields = ["impl_code", "catalog_code", "versions__name"]
    autocomplete_fields = ["agency"]
    inlines = [VersionInline, DelegationInline]
    actions = ["start_drafts"]

    def get_queryset(self, request):
        # Item.__str__ names an item by its latest published version: fetch those for the
        # whole page at once, not once per row.
        latest = ItemVersion.objects.filter(status=ItemVersion.Status.PUBLISHED).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .select_related("agency")
            .prefetch_related(Prefetch("versions", latest, to_attr="published"))
        )

    @admin.action(description=_("Start a new draft of the selected items"))
    def start_drafts(self, request, queryset):
        principal = principal_for_user(request.user)
        for item in queryset:
            try:
                draft = actions.start_draft(principal, item)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{item}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"{item}: v{draft.number}", messages.SUCCESS)


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(Bundle)
class BundleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "theme", "lead_agency", "is_active"]
    list_filter = ["theme", "is_active"]
    search_fields = ["code", "name", "keywords"]
    autocomplete_fields = ["lead_agency"]
    inlines = [BundleItemInline]


@admin.register(Synonym)
class SynonymAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]
