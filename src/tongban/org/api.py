"""``/api/v1/org``: regions, agencies, service points and windows (public read); staff and
applicants (scoped by the policy); a clerk's applicant registration; a hall manager's
window status; ``/me`` for whoever calls."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.api import ApiError, ErrorOut

from . import actions, policy
from .api_auth import AUTH, PUBLIC
from .forms import OwnProfileForm
from .models import Agency, Applicant, OpeningPeriod, Region, ServicePoint, User, Window

router = Router(tags=["org"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    level_name: str = Field(alias="get_level_display")
    parent_code: str | None = Field(None, alias="parent.code")


class RegionFilter(FilterSchema):
    parent: Annotated[
        str | None, FilterLookup("parent__code"), Field(None, description="parent region's code")
    ] = None
    level: Annotated[int | None, FilterLookup("level")] = None
    name: Annotated[str | None, FilterLookup("name__icontains")] = None


class AgencyOut(Schema):
    id: int
    name: str
    short_name: str
    credit_code: str
    kind: str
    kind_name: str = Field(alias="get_kind_display")
    region_code: str = Field(alias="region.code")
    parent_id: int | None
    phone: str
    address: str
    is_active: bool


class AgencyFilter(FilterSchema):
    kind: Annotated[str | None, FilterLookup("kind")] = None
    region: Annotated[str | None, FilterLookup("region__code")] = None
    name: Annotated[str | None, FilterLookup("name__icontains")] = None


class OpeningPeriodOut(Schema):
    weekday: int
    opens: dt.time
    closes: dt.time


class WindowOut(Schema):
    id: int
    number: str
    name: str
    kind: str
    kind_name: str = Field(alias="get_kind_display")
    is_open: bool
    agency_ids: list[int]

    @staticmethod
    def resolve_agency_ids(window: Window) -> list[int]:
        return [agency.pk for agency in window.agencies.all()]


class ServicePointOut(Schema):
    id: int
    name: str
    kind: str
    kind_name: str = Field(alias="get_kind_display")
    region_code: str = Field(alias="region.code")
    address: str
    phone: str
    opening_hours_note: str
    is_active: bool


class ServicePointDetailOut(ServicePointOut):
    opening_periods: list[OpeningPeriodOut]
    windows: list[WindowOut]

    @staticmethod
    def resolve_opening_periods(point: ServicePoint) -> list[OpeningPeriod]:
        return list(point.opening_periods.all())

    @staticmethod
    def resolve_windows(point: ServicePoint) -> list[Window]:
        return list(point.windows.all())


class ServicePointFilter(FilterSchema):
    kind: Annotated[str | None, FilterLookup("kind")] = None
    region: Annotated[
        str | None, FilterLookup("region__code"), Field(None, description="region code, exact")
    ] = None


class AssignmentOut(Schema):
    role: str
    role_name: str = Field(alias="get_role_display")
    agency_id: int | None
    service_point_id: int | None


class StaffOut(Schema):
    id: int
    username: str
    full_name: str
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(user: User) -> list:
        return list(user.assignments.all())


class ApplicantOut(Schema):
    id: int
    kind: str
    name: str
    identifier: str = Field(alias="identifier_display", description="masked ID number or USCC")
    phone: str
    address: str


class ApplicantIn(Schema):
    kind: str = Field(description="person | legal")
    name: str
    id_number: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    phone: str = ""
    address: str = ""
    service_point_id: int | None = Field(None, description="where the applicant is served")


class ProfileIn(Schema):
    phone: str
    address: str = ""


class WindowStatusIn(Schema):
    is_open: bool


class MeOut(Schema):
    kind: str
    username: str
    full_name: str = ""
    roles: list[AssignmentOut] = []
    applicant: ApplicantOut | None = None
    agency_id: int | None = Field(None, description="an API client's agency")
    scopes: list[str] = []


@router.get("/regions", response=list[RegionOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def list_regions(request, filters: Query[RegionFilter]):
    return filters.filter(Region.objects.select_related("parent"))


@router.get("/regions/{code}", response={200: RegionOut, 404: ErrorOut}, auth=PUBLIC)
def get_region(request, code: str):
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


@router.get("/agencies", response=list[AgencyOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def list_agencies(request, filters: Query[AgencyFilter]):
    return filters.filter(Agency.objects.select_related("region"))


@router.get("/agencies/{agency_id}", response={200: AgencyOut, 404: ErrorOut}, auth=PUBLIC)
def get_agency(request, agency_id: int):
    return get_object_or_404(Agency.objects.select_related("region"), pk=agency_id)


@router.get("/service-points", response=list[ServicePointOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def list_service_points(request, filters: Query[ServicePointFilter]):
    return filters.filter(ServicePoint.objects.select_related("region"))


@router.get(
    "/service-points/{point_id}", response={200: ServicePointDetailOut, 404: ErrorOut}, auth=PUBLIC
)
def get_service_point(request, point_id: int):
    queryset = ServicePoint.objects.select_related("region").prefetch_related(
        "opening_periods", Prefetch("windows", Window.objects.prefetch_related("agencies"))
    )
    return get_object_or_404(queryset, pk=point_id)


@router.post(
    "/windows/{window_id}/status",
    response={200: WindowOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def set_window_status(request, window_id: int, payload: WindowStatusIn):
    window = get_object_or_404(Window, pk=window_id)
    return actions.set_window_status(request.principal, window, is_open=payload.is_open)


@router.get("/staff", response={200: list[StaffOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_staff(request):
    policy.require(request.principal, "org.view_staff")
    queryset = policy.visible(request.principal, "org.view_staff", User.objects.all())
    return queryset.prefetch_related("assignments").order_by("username")


@router.get("/applicants", response={200: list[ApplicantOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_applicants(request, q: str = ""):
    queryset = policy.visible(request.principal, "org.view_applicant", Applicant.objects.all())
    if q:
        queryset = queryset.filter(name__icontains=q) | queryset.filter(credit_code=q.upper())
    return queryset.order_by("name", "pk")


@router.get(
    "/applicants/{applicant_id}",
    response={200: ApplicantOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def get_applicant(request, applicant_id: int):
    applicant = get_object_or_404(Applicant, pk=applicant_id)
    policy.require(request.principal, "org.view_applicant", applicant)
    return applicant


@router.post(
    "/applicants",
    response={201: ApplicantOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    auth=AUTH,
)
def register_applicant(request, payload: ApplicantIn):
    service_point = None
    if payload.service_point_id is not None:
        service_point = get_object_or_404(ServicePoint, pk=payload.service_point_id)
    data = payload.dict(exclude={"service_point_id"})
    try:
        applicant = actions.register_applicant(
            request.principal, service_point=service_point, **data
        )
    except actions.DuplicateApplicant as error:
        raise ApiError(409, "duplicate", error.messages[0]) from None
    return Status(201, applicant)


@router.get("/me", response=MeOut, auth=AUTH)
def me(request):
    principal = request.principal
    if principal.kind == "client":
        return MeOut(
            kind="client",
            username=principal.label,
            agency_id=principal.client.agency_id,
            scopes=sorted(principal.scopes),
        )
    user = principal.user
    applicant = getattr(user, "applicant", None) if principal.kind == "applicant" else None
    return MeOut(
        kind=principal.kind,
        username=user.username,
        full_name=user.full_name,
        roles=list(principal.assignments),
        applicant=applicant,
    )


@router.patch("/me/profile", response={200: ApplicantOut, 400: ErrorOut, 403: ErrorOut}, auth=AUTH)
def update_profile(request, payload: ProfileIn):
    applicant = getattr(request.principal.user, "applicant", None)
    if applicant is None:
        raise ApiError(403, "forbidden", policy.refusal_message("org.update_own_profile"))
    form = OwnProfileForm(data=payload.dict())
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.as_data().values() for e in errors])
    return actions.update_own_profile(request.principal, applicant, **form.cleaned_data)
