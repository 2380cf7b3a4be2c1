"""Seed the city-wide calendar 2004–2026 from chinesecalendar 1.11 (the State Council schedules).

Only the exceptions to Monday–Friday are stored: holidays on weekdays and weekend make-up
workdays. This is the one place chinese_calendar is used; at run time it raises outside
2004–2026, so the platform reads the table instead.
"""

import datetime as dt

from django.db import migrations

FIRST_YEAR, LAST_YEAR = 2004, 2026
SOURCE = "chinesecalendar 1.11"
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(value) -> str:
    english = getattr(value, "value", value) or ""
    return NAMES.get(english, english)


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    ScheduleYear = apps.get_model("workdays", "ScheduleYear")
    first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    rows = []
    for day, holiday in sorted(chinese_calendar.holidays.items()):
        if first <= day <= last and day.weekday() < 5:
            rows.append(CalendarDay(region=None, date=day, is_workday=False, name=_name(holiday)))
    for day, holiday in sorted(chinese_calendar.workdays.items()):
        if first <= day <= last and day.weekday() >= 5:
            name = _name(holiday)
            rows.append(
                CalendarDay(
                    region=None, date=day, is_workday=True, name=f"{name}调休上班" if name else "调休上班"
                )
            )
    CalendarDay.objects.bulk_create(rows, batch_size=500)
    ScheduleYear.objects.bulk_create(
        ScheduleYear(region=None, year=year, published=True, source=SOURCE)
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    )


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.filter(
        region=None, date__year__gte=FIRST_YEAR, date__year__lte=LAST_YEAR
    ).delete()
    apps.get_model("workdays", "ScheduleYear").objects.filter(
        region=None, source=SOURCE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
