"""The working-day calendar (工作日历): which dates differ from Monday–Friday, per city or region.

Only the exceptions are stored: statutory holidays falling on weekdays, weekend make-up
workdays (调休上班) and local closures. A year counts as *published* once its State Council
schedule is entered; a year without one falls back to Monday–Friday and every deadline in
it is flagged as estimated. Rows of a region override the city-wide rows (region empty)
for that region and the regions below it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.org.models import Region


class ScheduleYear(models.Model):
    """Whether a year's holiday schedule has been entered, city-wide or for one region."""

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedule_years",
        verbose_name=_("region"),
        help_text=_("Empty for the whole city."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published = models.BooleanField(
        _("schedule entered"),
        default=False,
        help_text=_("The State Council schedule of this year has been entered in full."),
    )
    source = models.CharField(_("data source"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("schedule year")
        verbose_name_plural = _("schedule years")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(region__isnull=False),
                name="workdays_year_unique_region",
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(region__isnull=True), name="workdays_year_unique_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or _('whole city')}"


class CalendarDay(models.Model):
    """One date that differs from Monday–Friday: a holiday on a weekday or a weekend workday."""

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        verbose_name=_("region"),
        help_text=_("Empty for the whole city."),
    )
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date", "region__code"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"],
                condition=Q(region__isnull=False),
                name="workdays_day_unique_region",
            ),
            models.UniqueConstraint(
                fields=["date"], condition=Q(region__isnull=True), name="workdays_day_unique_city"
            ),
        ]
        indexes = [models.Index(fields=["date"], name="workdays_day_date")]

    def __str__(self) -> str:
        kind = _("working day") if self.is_workday else _("day off")
        return f"{self.date:%Y-%m-%d} {self.name or kind}"
