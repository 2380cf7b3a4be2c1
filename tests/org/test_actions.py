"""Org actions: validated first, changed in one transaction, audited, refused out of scope."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ServicePointFactory, WindowFactory, applicant_account, make_uscc, staff
from tongban.core.models import AuditEntry
from tongban.org import actions
from tongban.org.models import Applicant, StaffRole
from tongban.org.policy import OutOfScope, principal_for_user

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


@pytest.fixture
def hall():
    return ServicePointFactory()


@pytest.fixture
def clerk(hall):
    return principal_for_user(staff(StaffRole.WINDOW_CLERK, service_point=hall))


def test_clerk_registers_a_person_with_encrypted_id_number(clerk, hall):
    applicant = actions.register_applicant(
        clerk, kind="person", name="李明", id_number=VALID_ID.lower(), service_point=hall
    )
    stored = Applicant.objects.values().get(pk=applicant.pk)
    assert VALID_ID not in str(stored)
    assert applicant.id_number_masked == "1101**********002X"
    assert Applicant.objects.get(pk=applicant.pk).id_number == VALID_ID
    entry = AuditEntry.objects.get(action="applicant.register")
    assert entry.changes["identifier"] == "1101**********002X"
    assert VALID_ID not in str(entry.changes)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "person", "id_number": "110105194912310021"}, "id_check_digit"),
        ({"kind": "person", "id_number": "1101051949"}, "id_format"),
        ({"kind": "legal", "credit_code": "91371402000000001X"}, "uscc_check_character"),
        ({"kind": "legal", "credit_code": "ABC"}, "uscc_format"),
    ],
)
def test_invalid_identifier_changes_nothing(clerk, hall, fields, code):
    with pytest.raises(ValidationError) as error:
        actions.register_applicant(clerk, name="某某", service_point=hall, **fields)
    assert error.value.code == code
    assert Applicant.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_same_person_cannot_be_registered_twice(clerk, hall):
    actions.register_applicant(
        clerk, kind="person", name="李明", id_number=VALID_ID, service_point=hall
    )
    with pytest.raises(actions.DuplicateApplicant):
        actions.register_applicant(
            clerk, kind="person", name="李明", id_number=VALID_ID, service_point=hall
        )
    assert Applicant.objects.count() == 1


def test_clerk_of_another_hall_is_refused_and_nothing_changes(clerk):
    other_hall = ServicePointFactory()
    with pytest.raises(OutOfScope):
        actions.register_applicant(
            clerk,
            kind="legal",
            name="某公司",
            credit_code=make_uscc(prefix="91"),
            service_point=other_hall,
        )
    assert Applicant.objects.count() == 0


def test_web_request_audits_the_staff_member_and_role(hall):
    from django.test import Client

    user = staff(StaffRole.HALL_MANAGER, service_point=hall, username="mgr")
    window = WindowFactory(service_point=hall)
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/api/v1/org/windows/{window.pk}/status",
        {"is_open": False},
        content_type="application/json",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="window.close")
    assert (entry.actor_label, entry.actor_role, entry.actor_user_id) == (
        "mgr",
        "hall_manager",
        user.pk,
    )
    assert entry.request_id == response["X-Request-ID"]


def test_hall_manager_closes_own_window_and_not_another_halls(hall):
    manager = principal_for_user(staff(StaffRole.HALL_MANAGER, service_point=hall))
    own, foreign = WindowFactory(service_point=hall), WindowFactory()
    actions.set_window_status(manager, own, is_open=False)
    own.refresh_from_db()
    assert own.is_open is False
    assert AuditEntry.objects.filter(action="window.close", object_id=str(own.pk)).exists()
    with pytest.raises(OutOfScope):
        actions.set_window_status(manager, foreign, is_open=False)
    foreign.refresh_from_db()
    assert foreign.is_open is True


def test_applicant_updates_only_own_profile():
    user, record = applicant_account()
    _, other = applicant_account(name="王芳")
    principal = principal_for_user(user)
    actions.update_own_profile(principal, record, phone="13700001111", address="德州市德城区")
    record.refresh_from_db()
    assert record.phone == "13700001111"
    with pytest.raises(OutOfScope):
        actions.update_own_profile(principal, other, phone="13700002222", address="")
    other.refresh_from_db()
    assert other.phone != "13700002222"


def test_issued_token_is_stored_only_as_a_digest():
    from tests.factories import AgencyFactory

    issued = actions.issue_api_client("市场监管系统", AgencyFactory(), ["org:read"])
    assert issued.token.startswith(f"tb_{issued.client.token_prefix}_")
    assert issued.token not in str(type(issued.client).objects.values().get(pk=issued.client.pk))
