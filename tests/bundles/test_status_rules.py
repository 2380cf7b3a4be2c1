"""The parent's status from its members', rule by rule (bundles/status.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.bundles.models import BundleStatus, Outcome
from tongban.bundles.status import MemberState, derive, outcome_after
from tongban.cases.models import Status

S, O = Status, Outcome  # noqa: E741
GRANTED_OUT = MemberState(S.RESULT_ISSUED, O.GRANTED)
GRANTED_DONE = MemberState(S.CLOSED, O.GRANTED)
DENIED_DONE = MemberState(S.CLOSED, O.DENIED)


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # one part waits for the applicant: the whole application does
        ([MemberState(S.NEEDS_SUPPLEMENT, O.OPEN), GRANTED_OUT], BundleStatus.NEEDS_SUPPLEMENT),
        # one part under review, one decided: in progress
        ([MemberState(S.IN_REVIEW, O.OPEN), GRANTED_OUT], BundleStatus.IN_PROGRESS),
        # approved but not yet issued still holds the pickup back
        ([MemberState(S.APPROVED, O.GRANTED), GRANTED_OUT], BundleStatus.IN_PROGRESS),
        # one denied, the others granted and handed over: completed (with a refusal)
        ([DENIED_DONE, GRANTED_DONE, GRANTED_DONE], BundleStatus.COMPLETED),
        # one denied with its decision at the window too: results ready
        ([MemberState(S.RESULT_ISSUED, O.DENIED), GRANTED_OUT], BundleStatus.RESULTS_READY),
        # one withdrawn does not hold the others back
        ([MemberState(S.WITHDRAWN, O.WITHDRAWN), GRANTED_OUT], BundleStatus.RESULTS_READY),
        ([MemberState(S.WITHDRAWN, O.WITHDRAWN)] * 3, BundleStatus.WITHDRAWN),
        ([MemberState(S.NOT_ACCEPTED, O.NOT_ACCEPTED), DENIED_DONE], BundleStatus.REFUSED),
        ([MemberState(S.TERMINATED, O.TERMINATED), GRANTED_DONE], BundleStatus.COMPLETED),
    ],
)
def test_rules(members, expected):
    assert derive(True, members) == expected


def test_a_draft_stays_a_draft_whatever_its_parts():
    assert derive(False, [GRANTED_DONE]) == BundleStatus.DRAFT


def test_what_actions_mean_for_a_part():
    assert outcome_after("approve", S.APPROVED, O.OPEN) == O.GRANTED
    assert outcome_after("confirm_refusal", S.NOT_ACCEPTED, O.OPEN) == O.NOT_ACCEPTED
    assert outcome_after("confirm_refusal", S.DENIED, O.OPEN) == O.DENIED
    assert outcome_after("issue_result", S.RESULT_ISSUED, O.GRANTED) == O.GRANTED


states = st.builds(MemberState, st.sampled_from(list(Status)), st.sampled_from(list(Outcome)))


@given(st.lists(states, min_size=1, max_size=8))
def test_finished_only_when_no_part_is_open(members):
    status = derive(True, members)
    if any(m.outcome == O.OPEN for m in members):
        assert status in {BundleStatus.IN_PROGRESS, BundleStatus.NEEDS_SUPPLEMENT}
    if status == BundleStatus.COMPLETED:
        assert any(m.outcome == O.GRANTED for m in members)
