"""The demo city: complete, valid, loaded idempotently and audited once."""

import re

import pytest
from django.contrib.auth import authenticate

from tongban.core import audit
from tongban.core.identifiers import validate_division_code, validate_resident_id, validate_uscc
from tongban.core.models import AuditEntry
from tongban.demo import data
from tongban.demo.loader import load_demo_city
from tongban.org.models import (
    Agency,
    Applicant,
    OpeningPeriod,
    Region,
    ServicePoint,
    StaffAssignment,
    StaffRole,
    User,
    Window,
)

pytestmark = pytest.mark.django_db

COUNTIES = {
    "371402": "德城区",
    "371403": "陵城区",
    "371422": "宁津县",
    "371423": "庆云县",
    "371424": "临邑县",
    "371425": "齐河县",
    "371426": "平原县",
    "371427": "夏津县",
    "371428": "武城县",
    "371481": "乐陵市",
    "371482": "禹城市",
}
MODELS = (Region, Agency, ServicePoint, OpeningPeriod, Window, User, StaffAssignment, Applicant)


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    counts["window agencies"] = Window.agencies.through.objects.count()
    return counts


@pytest.fixture
def demo_city():
    return load_demo_city()


def test_loading_twice_changes_nothing(demo_city):
    first = row_counts()
    assert sum(demo_city.values()) > 0
    assert demo_city["regions_created"] == Region.objects.count()

    second = load_demo_city()

    assert row_counts() == first
    assert set(second) == set(demo_city)
    assert not any(second.values()), second


def test_natural_keys_are_not_duplicated(demo_city):
    load_demo_city()
    points = list(ServicePoint.objects.values_list("name", "region_id"))
    assert len(points) == len(set(points))
    periods = list(OpeningPeriod.objects.values_list("service_point_id", "weekday", "opens"))
    assert len(periods) == len(set(periods))
    assignments = list(
        StaffAssignment.objects.values_list("user_id", "role", "agency_id", "service_point_id")
    )
    assert len(assignments) == len(set(assignments))


def test_a_changed_row_is_restored_and_audited(demo_city):
    window = Window.objects.get(service_point__name="德州市政务服务中心", number="A01")
    window.name = "改过的名字"
    window.save()
    clerk = User.objects.get(username="clerk")
    clerk.set_password("something else entirely")
    clerk.save()

    counts = load_demo_city()

    assert counts["windows_updated"] == 1
    assert counts["users_updated"] == 1
    assert sum(counts.values()) == 2
    window.refresh_from_db()
    assert window.name == "综合受理窗口一"
    assert AuditEntry.objects.filter(action="demo.load").count() == 2


def test_agencies_have_valid_credit_codes(demo_city):
    agencies = Agency.objects.all()
    assert agencies.count() >= 20
    for agency in agencies:
        assert validate_uscc(agency.credit_code) == agency.credit_code
        assert agency.phone and agency.address
    names = set(agencies.values_list("name", flat=True))
    assert {"德州市行政审批服务局", "德州市市场监督管理局", "国家税务总局德州市税务局"} <= names
    bureaus = agencies.filter(kind=Agency.Kind.APPROVAL_BUREAU)
    county_bureaus = bureaus.filter(region__level=Region.Level.COUNTY, parent=None)
    assert county_bureaus.count() >= 3
    assert agencies.filter(kind=Agency.Kind.SUPERVISING_DEPARTMENT).count() >= 5
    assert agencies.filter(kind=Agency.Kind.PUBLIC_SERVICE).count() >= 2


def test_every_county_with_its_real_code(demo_city):
    city = Region.objects.get(code="371400")
    assert city.name == "德州市"
    assert city.level == Region.Level.CITY
    assert city.parent.code == "370000"
    counties = {
        region.code: region
        for region in Region.objects.filter(level=Region.Level.COUNTY).select_related("parent")
    }
    assert {code: region.name for code, region in counties.items()} == COUNTIES
    for region in counties.values():
        assert region.parent.code == "371400"


def test_townships_and_villages_nest_under_their_codes(demo_city):
    for county in Region.objects.filter(level=Region.Level.COUNTY):
        townships = county.children.all()
        assert 2 <= townships.count() <= 4, county
        for township in townships:
            assert township.level == Region.Level.TOWNSHIP
            assert re.fullmatch(county.code + r"\d{3}", township.code)
            villages = township.children.all()
            assert 1 <= villages.count() <= 2, township
            for village in villages:
                assert village.level == Region.Level.VILLAGE
                assert re.fullmatch(township.code + r"\d{3}", village.code)
    for region in Region.objects.all():
        validate_division_code(region.code)
        region.full_clean()


def test_every_window_kind_in_the_city_hall_and_each_county_hall(demo_city):
    halls = ServicePoint.objects.filter(
        kind__in=[ServicePoint.Kind.CITY_HALL, ServicePoint.Kind.COUNTY_HALL]
    )
    assert halls.filter(kind=ServicePoint.Kind.CITY_HALL).count() == 1
    assert set(halls.values_list("region__code", flat=True)) >= set(COUNTIES)
    every_kind = set(Window.Kind.values)
    for hall in halls:
        assert set(hall.windows.values_list("kind", flat=True)) == every_kind, hall
        assert hall.windows.filter(kind=Window.Kind.COMPREHENSIVE).count() == 3
        for window in hall.windows.filter(kind=Window.Kind.SPECIALISED):
            assert window.agencies.exists(), window


def test_every_service_point_kind_has_hours_and_windows(demo_city):
    assert set(ServicePoint.objects.values_list("kind", flat=True)) == set(ServicePoint.Kind.values)
    for point in ServicePoint.objects.all():
        assert point.address and point.phone
        assert point.windows.filter(kind=Window.Kind.COMPREHENSIVE).exists(), point
        weekdays = set(point.opening_periods.values_list("weekday", flat=True))
        assert {1, 2, 3, 4, 5} <= weekdays, point
        if point.kind in {ServicePoint.Kind.BANK_OUTLET, ServicePoint.Kind.POST_OUTLET}:
            assert 6 in weekdays
    township = ServicePoint.objects.filter(kind=ServicePoint.Kind.TOWNSHIP_HALL).first()
    assert set(township.windows.values_list("kind", flat=True)) == {
        Window.Kind.COMPREHENSIVE,
        Window.Kind.HELPER_AGENT,
    }


def test_one_scoped_account_per_staff_role(demo_city):
    for role in StaffRole.values:
        assert StaffAssignment.objects.filter(role=role, user__kind=User.Kind.STAFF).exists(), role
    for assignment in StaffAssignment.objects.select_related("window"):
        assert assignment.agency_id or assignment.service_point_id, assignment
        assignment.full_clean()
    expected = {
        "clerk": StaffRole.WINDOW_CLERK,
        "reviewer": StaffRole.BACKOFFICE_REVIEWER,
        "chief": StaffRole.SECTION_CHIEF,
        "agent": StaffRole.HELPER_AGENT,
        "supervisor": StaffRole.SUPERVISING_OFFICER,
        "manager": StaffRole.HALL_MANAGER,
        "catalog": StaffRole.CATALOG_ADMIN,
        "admin": StaffRole.PLATFORM_ADMIN,
        "county_clerk": StaffRole.WINDOW_CLERK,
        "county_manager": StaffRole.HALL_MANAGER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.kind == User.Kind.STAFF and user.full_name and user.phone
        assert list(user.assignments.values_list("role", flat=True)) == [role]
    clerk = StaffAssignment.objects.get(user__username="clerk")
    assert (clerk.service_point.name, clerk.window.number) == ("德州市政务服务中心", "A01")
    assert StaffAssignment.objects.get(user__username="reviewer").agency.name == (
        "德州市市场监督管理局"
    )
    county_clerk = StaffAssignment.objects.get(user__username="county_clerk")
    assert county_clerk.service_point.region.code == "371402"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()


@pytest.mark.parametrize("username", ["clerk", "admin", "citizen", "enterprise"])
def test_demo_password_logs_in(demo_city, username):
    assert authenticate(username=username, password=data.DEMO_PASSWORD) is not None


def test_demo_applicants_identifiers_validate_and_id_number_is_encrypted(demo_city):
    person = Applicant.objects.get(account__username="citizen")
    assert person.kind == Applicant.Kind.PERSON
    number = person.id_number
    assert validate_resident_id(number) == number
    assert number.startswith("371402") and number[6:10] == "1958"
    stored = Applicant.objects.values().get(pk=person.pk)
    assert number not in str(stored)
    assert number not in stored["id_number_encrypted"]
    assert re.fullmatch(r"3714\*{10}[\dX]{4}", stored["id_number_masked"])
    assert stored["id_number_masked"][-4:] == number[-4:]
    assert Applicant.find_by_id_number(number) == person
    assert person.account.kind == User.Kind.APPLICANT

    company = Applicant.objects.get(account__username="enterprise")
    assert company.kind == Applicant.Kind.LEGAL
    assert validate_uscc(company.credit_code) == company.credit_code
    assert company.credit_code.startswith("91371402")
    assert company.legal_representative and company.id_number_index is None


def test_one_audit_entry_per_load_that_changes_something(demo_city):
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.object_type == "demo.city"
    assert entry.actor_label == "demo" and entry.actor_role == "system"
    assert entry.changes == demo_city
    before = AuditEntry.objects.count()

    load_demo_city()

    assert AuditEntry.objects.count() == before
    checked, problem = audit.verify_chain()
    assert problem is None
    assert checked == before
