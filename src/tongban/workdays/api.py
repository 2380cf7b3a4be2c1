"""``/api/v1/workdays``: the working-day calendar and deadline computation (public), and
entering days and publishing a year's schedule (platform administrators)."""

import datetime as dt
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tongban.core.api import ApiError, ErrorOut
from tongban.org.api_auth import AUTH, PUBLIC
from tongban.org.models import Region, ServicePoint

from . import actions, clock

router = Router(tags=["workdays"])


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    name: str


class CalendarOut(Schema):
    year: int
    region: str | None = Field(None, description="division code; empty for the whole city")
    published: bool = Field(
        description="the year's schedule is entered; if not, Monday–Friday is assumed"
    )
    workdays: int = Field(description="working days in the year")
    days: list[DayOut] = Field(description="the days that differ from Monday–Friday")


class DeadlineOut(Schema):
    start: dt.datetime
    limit: int
    unit: str
    extension: int
    due: dt.datetime
    due_date: dt.date
    estimated: bool = Field(description="counted partly in a year with no published schedule")
    paused: bool


class DayIn(Schema):
    date: dt.date
    is_workday: bool
    name: str = ""
    region: str | None = Field(None, description="division code; empty for the whole city")


class YearIn(Schema):
    year: Annotated[int, Field(ge=2004, le=2100)]
    region: str | None = None
    note: str = ""


class YearOut(Schema):
    year: int
    region: str | None = Field(None, alias="region.code")
    published: bool
    source: str
    note: str


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApiError(
            404, "unknown_region", _("No region has the code %(code)s.") % {"code": code}
        )
    return region


@router.get("/calendar", response={200: CalendarOut, 404: ErrorOut}, auth=PUBLIC)
def get_calendar(
    request,
    year: Annotated[int, Query(ge=1900, le=2100)],
    region: Annotated[str | None, Query(description="division code")] = None,
):
    """The year's holidays on weekdays and make-up workdays on weekends, and whether the
    year's schedule is entered."""
    place = _region(region)
    calendar = clock.calendar_for(place)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return CalendarOut(
        year=year,
        region=place.code if place else None,
        published=calendar.is_published(year),
        workdays=calendar.working_days_between(first - dt.timedelta(days=1), last),
        days=[
            DayOut(date=day, is_workday=worked, name=name)
            for day, worked, name in calendar.exceptions(year)
        ],
    )


@router.get("/deadline", response={200: DeadlineOut, 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC)
def get_deadline(
    request,
    start: Annotated[
        dt.datetime, Query(description="when the clock starts (local time if no offset)")
    ],
    limit: Annotated[int, Query(ge=0, le=3650)],
    unit: Annotated[str, Query(description="working_days or working_hours")] = clock.WORKING_DAYS,
    extension: Annotated[int, Query(ge=0, le=3650)] = 0,
    service_point: Annotated[
        int | None, Query(description="service point id: its office hours and region")
    ] = None,
):
    """When a time limit started at ``start`` runs out (the platform's one deadline rule)."""
    if unit not in clock.UNITS:
        raise ApiError(
            400,
            "invalid_unit",
            _("%(value)s is not one of: %(choices)s")
            % {"value": unit, "choices": ", ".join(clock.UNITS)},
        )
    if timezone.is_naive(start):
        start = timezone.make_aware(start, timezone.get_default_timezone())
    point = None
    if service_point is not None:
        point = get_object_or_404(
            ServicePoint.objects.prefetch_related("opening_periods"), pk=service_point
        )
    deadline = clock.compute_deadline(
        start=start,
        limit=limit,
        unit=unit,
        extension=extension,
        calendar=clock.calendar_for(point.region_id if point else None),
        office_hours=clock.office_hours_for(point) if point else None,
    )
    return DeadlineOut(
        start=start,
        limit=limit,
        unit=unit,
        extension=extension,
        due=deadline.due,
        due_date=deadline.due_date,
        estimated=deadline.estimated,
        paused=deadline.paused,
    )


@router.post(
    "/days", response={201: DayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def set_day(request, payload: DayIn):
    """Mark a date as a working day or a day off (platform administrators)."""
    day = actions.set_day(
        request.principal,
        date=payload.date,
        is_workday=payload.is_workday,
        name=payload.name,
        region=_region(payload.region),
    )
    return Status(201, day)


@router.post(
    "/years", response={201: YearOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def publish_year(request, payload: YearIn):
    """Record that a year's schedule is entered in full (platform administrators)."""
    schedule = actions.publish_year(
        request.principal, payload.year, _region(payload.region), note=payload.note
    )
    return Status(201, schedule)
