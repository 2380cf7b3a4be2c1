"""A small world for project tests: the approval bureau, two departments, a builder,
a category with known limits, and a project in a county of the seeded 2026 calendar."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, applicant_account, county_region, staff
from tongban.org.models import Agency, Applicant, Region, StaffRole, User
from tongban.org.policy import Principal, principal_for_user
from tongban.projects import actions
from tongban.projects.models import Project, ProjectCategory, StageKind, StageTemplate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CODE = "2026-371402-47-03-012345"


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware local (Asia/Shanghai) datetime."""
    return dt.datetime(year, month, day, hour, tzinfo=timezone.get_default_timezone())


def pdf(name: str = "file.pdf") -> io.BytesIO:
    stream = io.BytesIO(PDF + name.encode())
    stream.name = name
    return stream


def p(user: User) -> Principal:
    return principal_for_user(user)


@dataclass
class World:
    county: Region
    bureau: Agency
    land: Agency
    housing: Agency
    bureau_staff: User
    land_staff: User
    housing_staff: User
    outsider: User
    builder_user: User
    builder: Applicant
    category: ProjectCategory

    def project(self, code: str = CODE, **fields) -> Project:
        return actions.create_project(
            p(self.bureau_staff),
            code=code,
            name=fields.pop("name", "德州经济技术开发区新材料产业园一期"),
            builder=fields.pop("builder", self.builder),
            region=fields.pop("region", self.county),
            category=fields.pop("category", self.category),
            at=fields.pop("at", at(2026, 9, 1)),
            **fields,
        )


@pytest.fixture
def world(db) -> World:
    county = county_region()
    bureau = AgencyFactory(name="德州市行政审批服务局", kind=Agency.Kind.APPROVAL_BUREAU)
    land = AgencyFactory(name="德州市自然资源和规划局")
    housing = AgencyFactory(name="德州市住房和城乡建设局")
    other = AgencyFactory(name="德州市教育局")
    builder_user, builder = applicant_account(
        name="德州新材料科技有限公司", kind=Applicant.Kind.LEGAL
    )
    category = ProjectCategory.objects.create(
        name="社会投资项目", code="social", main_process_limit=45, whole_process_limit=90
    )
    limits = {
        StageKind.APPROVAL_AND_LAND: (20, land),
        StageKind.ENGINEERING: (15, land),
        StageKind.CONSTRUCTION: (10, housing),
        StageKind.ACCEPTANCE: (30, housing),
    }
    for stage, (limit, lead) in limits.items():
        StageTemplate.objects.create(
            category=category, stage=stage, limit_days=limit, lead_agency=lead
        )
    return World(
        county=county,
        bureau=bureau,
        land=land,
        housing=housing,
        bureau_staff=staff(StaffRole.SECTION_CHIEF, agency=bureau, username="bureau"),
        land_staff=staff(StaffRole.BACKOFFICE_REVIEWER, agency=land, username="land"),
        housing_staff=staff(StaffRole.BACKOFFICE_REVIEWER, agency=housing, username="housing"),
        outsider=staff(StaffRole.BACKOFFICE_REVIEWER, agency=other, username="edu"),
        builder_user=builder_user,
        builder=builder,
        category=category,
    )
