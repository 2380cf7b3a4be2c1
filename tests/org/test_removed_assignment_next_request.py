"""Roles are read afresh for every request: a removed or added assignment counts on the
very next one, in the policy (the principal) and in the audit actor alike."""

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.factories import AgencyFactory, staff
from tongban.core.context import acting_as, current_actor
from tongban.core.middleware import ActorMiddleware
from tongban.org.models import StaffAssignment, StaffRole, User

pytestmark = pytest.mark.django_db
ME = "/api/v1/org/me"


def _roles(client: Client) -> list[tuple[str, int | None]]:
    return sorted((r["role"], r["agency_id"]) for r in client.get(ME).json()["roles"])


def test_removing_and_adding_an_assignment_counts_on_the_next_request():
    first, second = AgencyFactory(), AgencyFactory()
    user = staff(StaffRole.BACKOFFICE_REVIEWER, agency=first)
    extra = StaffAssignment.objects.create(user=user, role=StaffRole.SECTION_CHIEF, agency=second)
    client = Client()
    client.force_login(user)
    assert _roles(client) == sorted(
        [(StaffRole.BACKOFFICE_REVIEWER, first.pk), (StaffRole.SECTION_CHIEF, second.pk)]
    )
    extra.delete()
    assert _roles(client) == [(StaffRole.BACKOFFICE_REVIEWER, first.pk)]
    StaffAssignment.objects.create(user=user, role=StaffRole.HALL_MANAGER, agency=second)
    assert _roles(client) == sorted(
        [(StaffRole.BACKOFFICE_REVIEWER, first.pk), (StaffRole.HALL_MANAGER, second.pk)]
    )


def test_the_assignments_come_with_their_places_and_their_user(django_assert_num_queries):
    agency = AgencyFactory()
    user = staff(StaffRole.BACKOFFICE_REVIEWER, agency=agency)
    [assignment] = user.loaded_assignments()
    with django_assert_num_queries(0):
        assert assignment.agency.name == agency.name
        assert assignment.service_point is None and assignment.window is None
        assert assignment.user is user
        assert user.loaded_assignments() == (assignment,)  # read once per request
        assert user.role_label == StaffRole.BACKOFFICE_REVIEWER


def test_the_actor_of_a_request_has_the_roles_of_that_request(rf):
    agency = AgencyFactory()
    user = staff(StaffRole.BACKOFFICE_REVIEWER, agency=agency)
    seen = []

    def view(request):
        seen.append(current_actor().role)
        return HttpResponse()

    def request_as(user_id):
        request = rf.get("/")
        request.user = User.objects.get(pk=user_id)  # loaded per request, as by the session
        with acting_as(None):  # the request context, reset afterwards
            return ActorMiddleware(view)(request)

    request_as(user.pk)
    StaffAssignment.objects.filter(user=user).delete()
    StaffAssignment.objects.create(user=user, role=StaffRole.SECTION_CHIEF, agency=agency)
    request_as(user.pk)
    assert seen == [StaffRole.BACKOFFICE_REVIEWER, StaffRole.SECTION_CHIEF]
