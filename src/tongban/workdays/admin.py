"""Calendar administration: schedule years, single days, and importing a schedule file.

Only platform administrators change the calendar (policy ``workdays.edit_calendar``);
every edit is audited.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from tongban.core.admin import AuditedAdminMixin
from tongban.org import policy
from tongban.org.policy import principal_for_user

from . import actions
from .models import CalendarDay, ScheduleYear
from .policy_rules import EDIT_CALENDAR


class _CalendarEditors:
    """Django's model permissions, and the calendar policy on top."""

    def _edits(self, request) -> bool:
        return policy.allows(principal_for_user(request.user), EDIT_CALENDAR)

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._edits(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._edits(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._edits(request)


@admin.register(ScheduleYear)
class ScheduleYearAdmin(AuditedAdminMixin, _CalendarEditors, admin.ModelAdmin):
    list_display = ["year", "region", "published", "source", "updated_at"]
    list_filter = ["published", "region"]
    search_fields = ["year", "note"]
    autocomplete_fields = ["region"]
    readonly_fields = ["updated_at"]
    actions = ["publish"]

    @admin.action(description=_("Mark the selected years as entered in full"))
    def publish(self, request, queryset):
        principal = principal_for_user(request.user)
        for schedule in queryset:
            actions.publish_year(principal, schedule.year, schedule.region)
        self.message_user(
            request,
            _("%(count)d years marked as entered.") % {"count": queryset.count()},
            messages.SUCCESS,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Schedule file"),
        help_text=_(
            "CSV or Excel (.xlsx) with the columns date, kind (workday or holiday), name "
            "and optionally region (division code)."
        ),
    )
    publish_year = forms.IntegerField(
        label=_("Mark this year as entered in full"),
        required=False,
        min_value=2004,
        max_value=2100,
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, _CalendarEditors, admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "region"]
    list_filter = ["is_workday", "region"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    autocomplete_fields = ["region"]
    readonly_fields = ["updated_at"]
    change_list_template = "admin/workdays/calendarday/change_list.html"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        from django.utils.formats import date_format

        return date_format(obj.date, "l")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="workdays_calendarday_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = actions.import_schedule(
                    principal_for_user(request.user),
                    form.cleaned_data["file"],
                    publish_year=form.cleaned_data["publish_year"],
                )
            except actions.ImportRejected as rejected:
                errors = rejected.errors
            else:
                self.message_user(
                    request,
                    _("Imported %(created)d new and %(updated)d changed days.")
                    % {"created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:workdays_calendarday_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a holiday schedule"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/workdays/calendarday/import.html", context)
