"""Changes to the working-day calendar: one day, a year's publication, a whole schedule file.

Each change is checked by the policy (``workdays.edit_calendar``: platform administrators),
done in one transaction and audited. Importing is all or nothing: every row is checked
first and every problem is reported with its row and column.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.context import Actor
from tongban.org import policy
from tongban.org.models import Region
from tongban.org.policy import Principal

from . import clock
from .models import CalendarDay, ScheduleYear
from .policy_rules import EDIT_CALENDAR

# The command line: whoever can run ``tongban`` on the server.
SYSTEM = Principal(kind="system")

MANUAL_SOURCE = "manual"


def _actor(principal: Principal) -> Actor:
    if principal.kind == "system":
        return Actor.system("tongban workdays")
    return principal.actor


def _require(principal: Principal) -> None:
    policy.require(principal, EDIT_CALENDAR)


def _day_state(day: CalendarDay | None) -> dict[str, Any] | None:
    return None if day is None else {"is_workday": day.is_workday, "name": day.name}


def set_day(
    principal: Principal,
    *,
    date: dt.date,
    is_workday: bool,
    name: str = "",
    region: Region | None = None,
) -> CalendarDay:
    """Mark ``date`` as a working day or a day off (city-wide, or for ``region`` and below)."""
    _require(principal)
    with transaction.atomic():
        existing = (
            CalendarDay.objects.select_for_update()
            .filter(region=region, date=date)
            .order_by("pk")
            .first()
        )
        before = _day_state(existing)
        day = existing or CalendarDay(region=region, date=date)
        day.is_workday = bool(is_workday)
        day.name = (name or "").strip()[:100]
        day.save()
        audit.record(
            "workdays.set_day",
            day,
            changes={
                "date": date.isoformat(),
                "region": region.code if region else None,
                "before": before,
                "after": _day_state(day),
            },
            actor=_actor(principal),
        )
    return day


def clear_day(principal: Principal, *, date: dt.date, region: Region | None = None) -> bool:
    """Remove the entry for ``date``, so it follows Monday–Friday (or the enclosing region)."""
    _require(principal)
    with transaction.atomic():
        day = (
            CalendarDay.objects.select_for_update()
            .filter(region=region, date=date)
            .order_by("pk")
            .first()
        )
        if day is None:
            return False
        audit.record(
            "workdays.clear_day",
            day,
            changes={
                "date": date.isoformat(),
                "region": region.code if region else None,
                "before": _day_state(day),
            },
            actor=_actor(principal),
        )
        day.delete()
    return True


def publish_year(
    principal: Principal,
    year: int,
    region: Region | None = None,
    note: str = "",
    *,
    source: str = MANUAL_SOURCE,
) -> ScheduleYear:
    """Record that ``year``'s schedule has been entered in full: its deadlines are exact."""
    _require(principal)
    with transaction.atomic():
        schedule = (
            ScheduleYear.objects.select_for_update()
            .filter(region=region, year=year)
            .order_by("pk")
            .first()
        )
        was = schedule.published if schedule else None
        schedule = schedule or ScheduleYear(region=region, year=year)
        schedule.published = True
        schedule.source = source[:100]
        if note:
            schedule.note = note
        schedule.save()
        audit.record(
            "workdays.publish_year",
            schedule,
            changes={"published": [was, True], "note": note, "source": source},
            actor=_actor(principal),
        )
    return schedule


_publish = publish_year  # import_schedule's keyword shadows the name


NEXT_YEAR_FROM_MONTH = 9


def unpublished_years(today: dt.date | None = None) -> list[int]:
    """This year, and next from September on (when 90-working-day limits start to reach
    into it), whose city-wide schedule is not entered (dashboard banner)."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1] if today.month >= NEXT_YEAR_FROM_MONTH else [today.year]
    published = set(
        ScheduleYear.objects.filter(region=None, year__in=years, published=True).values_list(
            "year", flat=True
        )
    )
    return [year for year in years if year not in published]


# --- importing a schedule file ---------------------------------------------------------

COLUMNS = {
    "date": ("date", "日期"),
    "kind": ("kind", "类型", "type"),
    "name": ("name", "名称", "节日"),
    "region": ("region", "区划代码", "区划", "region code"),
}
REQUIRED = ("date", "kind")
WORKDAY_WORDS = {"workday", "work", "working", "班", "上班", "工作日", "调休上班"}
HOLIDAY_WORDS = {"holiday", "off", "closed", "休", "休息", "假", "放假", "节假日", "休息日"}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return _("row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column or "-",
            "message": self.message,
        }


class ImportRejected(Exception):
    """The file was not imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


@dataclass(frozen=True)
class ImportedDay:
    row: int
    date: dt.date
    is_workday: bool
    name: str
    region: Region | None


@dataclass(frozen=True)
class ImportResult:
    days: list[ImportedDay]
    created: int
    updated: int
    published: ScheduleYear | None


def _read_bytes(file) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if isinstance(file, str):
        with open(file, "rb") as handle:
            return handle.read()
    if hasattr(file, "read"):
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read()
        return data.encode() if isinstance(data, str) else data
    raise TypeError("file must be bytes, a path or a file object")


def _rows(data: bytes) -> list[list[Any]]:
    """The file's rows (header included), from an .xlsx workbook or a UTF-8/GBK CSV."""
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ImportRejected(
                [RowError(0, "", _("This is neither an Excel (.xlsx) nor a CSV file."))]
            ) from None
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportRejected([RowError(0, "", _("The file's text encoding is not readable."))])
    if "\x00" in text:
        raise ImportRejected(
            [RowError(0, "", _("This is neither an Excel (.xlsx) nor a CSV file."))]
        )
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _parse_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_schedule(data: bytes) -> list[ImportedDay]:
    """Read and check a schedule file; raise :class:`ImportRejected` listing every problem."""
    rows = _rows(data)
    errors: list[RowError] = []
    if not rows:
        raise ImportRejected([RowError(1, "", _("The file is empty."))])
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]]
    positions: dict[str, int] = {}
    for key, labels in COLUMNS.items():
        for index, cell in enumerate(header):
            if cell in labels:
                positions[key] = index
                break
    for key in REQUIRED:
        if key not in positions:
            errors.append(RowError(1, key, _("Column %(column)s is missing.") % {"column": key}))
    if errors:
        raise ImportRejected(errors)
    regions = {region.code: region for region in Region.objects.all()}
    days: list[ImportedDay] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if all(cell in (None, "") or str(cell).strip() == "" for cell in cells):
            continue

        def cell(key: str, cells=cells) -> Any:
            index = positions.get(key)
            if index is None or index >= len(cells) or cells[index] is None:
                return ""
            value = cells[index]
            return value if isinstance(value, dt.date) else str(value).strip()

        raw_date, raw_kind = cell("date"), cell("kind")
        day = _parse_date(raw_date) if raw_date != "" else None
        if raw_date == "":
            errors.append(RowError(number, "date", _("A value is required.")))
        elif day is None:
            errors.append(
                RowError(
                    number,
                    "date",
                    _("%(value)s is not a date like 2027-10-01.") % {"value": raw_date},
                )
            )
        kind = str(raw_kind).lower()
        if not kind:
            errors.append(RowError(number, "kind", _("A value is required.")))
        elif kind not in WORKDAY_WORDS | HOLIDAY_WORDS:
            errors.append(
                RowError(
                    number,
                    "kind",
                    _("%(value)s is not one of: workday, holiday") % {"value": raw_kind},
                )
            )
        name = str(cell("name"))
        if len(name) > 100:
            errors.append(RowError(number, "name", _("At most 100 characters.")))
        code = str(cell("region"))
        if code.endswith(".0"):  # Excel stores codes as numbers
            code = code[:-2]
        region = None
        if code:
            region = regions.get(code)
            if region is None:
                errors.append(
                    RowError(
                        number, "region", _("No region has the code %(code)s.") % {"code": code}
                    )
                )
        if day is not None:
            key = (code, day)
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "date",
                        _("This date already appears in row %(row)d.") % {"row": seen[key]},
                    )
                )
            seen[key] = number
        if day is not None and kind in WORKDAY_WORDS | HOLIDAY_WORDS:
            days.append(ImportedDay(number, day, kind in WORKDAY_WORDS, name, region))
    if errors:
        raise ImportRejected(errors)
    if not days:
        raise ImportRejected([RowError(2, "", _("The file has no rows to import."))])
    return days


def import_schedule(principal: Principal, file, *, publish_year: int | None = None) -> ImportResult:
    """Import a schedule (CSV or .xlsx: ``date, kind, name[, region]``), all or nothing.

    With ``publish_year`` the year is marked published in the same transaction, which
    clears the "estimated" flag of its deadlines.
    """
    _require(principal)
    days = parse_schedule(_read_bytes(file))
    created = updated = 0
    with transaction.atomic():
        for entry in days:
            _day, was_created = CalendarDay.objects.update_or_create(
                region=entry.region,
                date=entry.date,
                defaults={"is_workday": entry.is_workday, "name": entry.name},
            )
            created += was_created
            updated += not was_created
        years = sorted({entry.date.year for entry in days})
        audit.record(
            "workdays.import",
            object_type="workdays.import",
            object_label=", ".join(str(year) for year in years),
            actor=_actor(principal),
            changes={
                "created": created,
                "updated": updated,
                "days": [
                    [
                        e.date.isoformat(),
                        "workday" if e.is_workday else "holiday",
                        e.name,
                        e.region.code if e.region else None,
                    ]
                    for e in days
                ],
            },
        )
        published = (
            _publish(principal, publish_year, note=_("Imported from a file"), source="import")
            if publish_year is not None
            else None
        )
    clock.invalidate()
    return ImportResult(days=days, created=created, updated=updated, published=published)
