"""Authorisation matrix: every org action × every kind of principal, in and out of scope."""

import pytest

from tests.factories import (
    AgencyFactory,
    ServicePointFactory,
    WindowFactory,
    applicant_account,
    staff,
)
from tongban.org import policy
from tongban.org.models import StaffRole
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    hall, other_hall = ServicePointFactory(name="市大厅"), ServicePointFactory(name="县大厅")
    bureau, market = AgencyFactory(name="审批局"), AgencyFactory(name="市场监管局")
    people = {
        "clerk": staff(StaffRole.WINDOW_CLERK, service_point=hall),
        "reviewer": staff(StaffRole.BACKOFFICE_REVIEWER, agency=market),
        "chief": staff(StaffRole.SECTION_CHIEF, agency=bureau),
        "agent": staff(StaffRole.HELPER_AGENT, service_point=hall),
        "supervisor": staff(StaffRole.SUPERVISING_OFFICER, agency=market),
        "manager": staff(StaffRole.HALL_MANAGER, service_point=hall),
        "other_manager": staff(StaffRole.HALL_MANAGER, service_point=other_hall),
        "admin": staff(StaffRole.PLATFORM_ADMIN),
    }
    people["citizen"], citizen_record = applicant_account(name="李明")
    people["other_citizen"], other_record = applicant_account(name="王芳")
    return {
        "hall": hall,
        "other_hall": other_hall,
        "window": WindowFactory(service_point=hall),
        "citizen_record": citizen_record,
        "other_record": other_record,
        "people": people,
    }


# (action, object key, who is allowed); everyone else in PEOPLE is refused.
PEOPLE = [
    "clerk",
    "reviewer",
    "chief",
    "agent",
    "supervisor",
    "manager",
    "other_manager",
    "admin",
    "citizen",
    "other_citizen",
    "anonymous",
]
MATRIX = [
    ("org.view_region", None, set(PEOPLE)),
    ("org.view_agency", None, set(PEOPLE)),
    ("org.view_service_point", None, set(PEOPLE)),
    ("org.view_window", None, set(PEOPLE)),
    ("org.register_applicant", "hall", {"clerk", "agent", "manager", "admin"}),
    ("org.register_applicant", "other_hall", {"other_manager", "admin"}),
    ("org.set_window_status", "window", {"manager", "admin"}),
    (
        "org.view_applicant",
        "citizen_record",
        {"clerk", "agent", "manager", "other_manager", "admin", "citizen"},
    ),
    ("org.update_own_profile", "citizen_record", {"citizen"}),
    ("org.update_own_profile", "other_record", {"other_citizen"}),
]


def test_matrix_covers_every_registered_org_action():
    covered = {action for action, _, _ in MATRIX}
    assert covered | {"org.view_staff"} == {a for a in policy.actions() if a.startswith("org.")}


@pytest.mark.parametrize(("action", "target", "allowed"), MATRIX)
def test_policy_matrix(city, action, target, allowed):
    obj = city[target] if target else None
    for name in PEOPLE:
        user = city["people"].get(name)
        principal = principal_for_user(user) if user else policy.ANONYMOUS
        assert policy.allows(principal, action, obj) is (name in allowed), (name, action, target)


def test_staff_see_only_colleagues_in_scope(city):
    from tongban.org.models import User

    people = city["people"]
    visible = policy.visible(
        principal_for_user(people["manager"]), "org.view_staff", User.objects.all()
    )
    assert set(visible) == {people["clerk"], people["agent"], people["manager"]}
    visible = policy.visible(
        principal_for_user(people["reviewer"]), "org.view_staff", User.objects.all()
    )
    assert set(visible) == {people["reviewer"], people["supervisor"]}
    admin_sees = policy.visible(
        principal_for_user(people["admin"]), "org.view_staff", User.objects.all()
    )
    assert admin_sees.count() == 8


def test_applicant_sees_only_their_own_record(city):
    from tongban.org.models import Applicant

    principal = principal_for_user(city["people"]["citizen"])
    assert list(policy.visible(principal, "org.view_applicant", Applicant.objects.all())) == [
        city["citizen_record"]
    ]
    assert not policy.allows(principal, "org.view_applicant", city["other_record"])


def test_unknown_action_is_a_programming_error(city):
    with pytest.raises(KeyError):
        policy.allows(policy.ANONYMOUS, "org.no_such_action")
