"""How the portal presents service points to the public: opening hours in plain words."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tongban.org.models import OpeningPeriod, ServicePoint


@dataclass(frozen=True)
class HoursLine:
    days: str  # "Monday to Friday"
    times: str  # "09:00–12:00, 13:30–17:00"


@dataclass(frozen=True)
class HallCard:
    point: ServicePoint
    hours: list[HoursLine] = field(default_factory=list)


def summarize_hours(periods: Iterable[OpeningPeriod]) -> list[HoursLine]:
    """Consecutive weekdays with the same periods share a line, as halls print them."""
    by_day: dict[int, tuple[str, ...]] = {}
    for period in sorted(periods, key=lambda p: (p.weekday, p.opens)):
        span = f"{period.opens:%H:%M}–{period.closes:%H:%M}"
        by_day[period.weekday] = (*by_day.get(period.weekday, ()), span)

    runs: list[list[int]] = []
    for day in sorted(by_day):
        if runs and day == runs[-1][-1] + 1 and by_day[day] == by_day[runs[-1][-1]]:
            runs[-1].append(day)
        else:
            runs.append([day])

    separator = pgettext("list separator", ", ")
    lines = []
    for run in runs:
        first, last = OpeningPeriod.Weekday(run[0]).label, OpeningPeriod.Weekday(run[-1]).label
        days = (
            first if len(run) == 1 else _("%(first)s to %(last)s") % {"first": first, "last": last}
        )
        lines.append(HoursLine(days=str(days), times=separator.join(by_day[run[0]])))
    return lines


def hall_cards(points: Iterable[ServicePoint]) -> list[HallCard]:
    return [HallCard(point, summarize_hours(point.opening_periods.all())) for point in points]
