"""The window has no power to say no: a clerk's refusal waits for a section chief."""

import pytest
from django.core.exceptions import PermissionDenied

from tongban.cases import actions
from tongban.cases.models import RefusalRequest, Status
from tongban.core.models import Notification

from .helpers import online_case


@pytest.fixture
def submitted(world):
    return actions.submit(world.p(world.citizen), online_case(world))


def test_clerk_refusal_waits_for_the_chief_who_confirms(world, submitted):
    actions.propose_non_acceptance(world.p(world.clerk), submitted, reason="不属于本部门职权范围")
    submitted.refresh_from_db()
    assert submitted.status == Status.NON_ACCEPTANCE_PENDING
    assert Notification.objects.filter(recipient=world.chief, subject__contains="").exists()
    case = actions.confirm_refusal(world.p(world.chief), submitted, note="同意")
    assert case.status == Status.NOT_ACCEPTED
    assert case.closed_at is not None
    request = case.refusals.get()
    assert request.outcome == RefusalRequest.Outcome.CONFIRMED
    assert request.decided_by == world.chief
    # The applicant sees the reason, not the internal note.
    event = case.events.get(action="confirm_refusal")
    assert event.public and event.note == "不属于本部门职权范围"


def test_chief_overturns_and_the_window_accepts(world, submitted):
    actions.propose_non_acceptance(world.p(world.clerk), submitted, reason="材料不全")
    case = actions.overturn_refusal(world.p(world.chief), submitted, note="材料齐全，应予受理")
    assert case.status == Status.SUBMITTED
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    assert case.status == Status.IN_REVIEW


def test_a_clerk_cannot_confirm_and_a_proposer_cannot_decide(world, submitted):
    actions.propose_non_acceptance(world.p(world.clerk), submitted, reason="材料不全")
    with pytest.raises(PermissionDenied):
        actions.confirm_refusal(world.p(world.clerk), submitted)
    case = actions.overturn_refusal(world.p(world.chief), submitted, note="应予受理")
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    case = actions.complete_step(world.p(world.reviewer), case)
    # the case is at the chief's decision step; a chief's own proposal needs another chief
    actions.propose_denial(world.p(world.chief), case, reason="不符合条件")
    with pytest.raises(PermissionDenied):
        actions.confirm_refusal(world.p(world.chief), case)
    case = actions.confirm_refusal(world.p(world.chief2), case)
    assert case.status == Status.DENIED


def test_refusal_without_reason_is_refused(world, submitted):
    with pytest.raises(actions.ValidationError):
        actions.propose_non_acceptance(world.p(world.clerk), submitted, reason="  ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_chief_may_deny_directly_with_reasons(world, submitted):
    case = actions.accept(world.p(world.clerk), submitted, service_point=world.hall)
    case = actions.complete_step(world.p(world.reviewer), case)
    with pytest.raises(PermissionDenied):
        actions.deny(world.p(world.reviewer), case, reason="不符合条件")
    case = actions.deny(world.p(world.chief), case, reason="经营场所不符合要求")
    assert case.status == Status.DENIED
    case = actions.issue_result(world.p(world.chief), case)
    assert case.status == Status.RESULT_ISSUED
