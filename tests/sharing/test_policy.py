"""Who reads the query log and who may try a source without a case, role by role."""

import pytest

from tests.factories import StaffRole, applicant_account, staff
from tongban.org import policy
from tongban.org.policy import ANONYMOUS, SYSTEM, principal_for_user

ALL_ROLES = list(StaffRole.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_query_log_is_for_auditors_and_platform_admins(role):
    principal = principal_for_user(staff(role))
    expected = role in {StaffRole.AUDITOR, StaffRole.PLATFORM_ADMIN}
    assert policy.allows(principal, "sharing.view_query") is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_test_bench_is_for_catalog_and_platform_admins(role):
    principal = principal_for_user(staff(role))
    expected = role in {StaffRole.CATALOG_ADMIN, StaffRole.PLATFORM_ADMIN}
    assert policy.allows(principal, "sharing.try_source") is expected


@pytest.mark.django_db
def test_applicants_anonymous_and_the_system_read_no_log():
    user, _applicant = applicant_account()
    for principal in (principal_for_user(user), ANONYMOUS, SYSTEM):
        assert not policy.allows(principal, "sharing.view_query")
        assert not policy.allows(principal, "sharing.try_source")
