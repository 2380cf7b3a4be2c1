"""Model-level rules: region codes fit the tree, assignments are unique, applicants match
their kind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import AgencyFactory, ServicePointFactory, UserFactory, city_region
from tongban.org.models import Applicant, Region, StaffAssignment, StaffRole

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "level", "message"),
    [
        ("371402001", Region.Level.COUNTY, "6"),
        ("372402", Region.Level.COUNTY, "上级"),
        ("37140", Region.Level.COUNTY, "6"),
    ],
)
def test_region_code_must_fit_level_and_parent(code, level, message):
    region = Region(code=code, name="某区", level=level, parent=city_region())
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert message in str(error.value)


def test_township_code_extends_its_county():
    county = Region.objects.create(
        code="371402", name="德城区", level=Region.Level.COUNTY, parent=city_region()
    )
    Region(
        code="371402001", name="新湖街道", level=Region.Level.TOWNSHIP, parent=county
    ).full_clean()


@pytest.mark.parametrize("scope", ["agency", "service_point", "both", "none"])
def test_the_same_role_in_the_same_scope_cannot_be_assigned_twice(scope):
    user = UserFactory()
    where = {
        "agency": {"agency": AgencyFactory()},
        "service_point": {"service_point": ServicePointFactory()},
        "both": {"agency": AgencyFactory(), "service_point": ServicePointFactory()},
        "none": {},
    }[scope]
    StaffAssignment.objects.create(user=user, role=StaffRole.PLATFORM_ADMIN, **where)
    with pytest.raises(IntegrityError):
        StaffAssignment.objects.create(user=user, role=StaffRole.PLATFORM_ADMIN, **where)


def test_a_person_without_an_id_number_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        Applicant.objects.create(kind=Applicant.Kind.PERSON, name="无证件")


def test_a_legal_person_without_a_credit_code_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        Applicant.objects.create(kind=Applicant.Kind.LEGAL, name="无代码公司")


def test_credit_code_is_stored_upper_case():
    from tests.factories import make_uscc

    code = make_uscc(prefix="91")
    applicant = Applicant.objects.create(kind="legal", name="某公司", credit_code=code.lower())
    assert Applicant.objects.get(pk=applicant.pk).credit_code == code


def test_created_superuser_is_staff_kind():
    from tongban.org.models import User

    assert (
        User.objects.create_superuser("root", "root@example.org", "pw-long-enough-1").kind
        == "staff"
    )
