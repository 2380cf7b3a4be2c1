"""The parent's status from its members' — the rules, in order (first match wins):

1. not submitted yet                                   → draft
2. any member waits for the applicant's supplement     → needs_supplement
3. any member still open (not decided, or decided but
   its result not yet issued)                          → in_progress
4. every member withdrawn                              → withdrawn
5. no member granted                                   → refused
6. any result waiting at the window                    → results_ready
7. otherwise (every result handed over)                → completed

A denied, not-accepted or terminated member does not hold the others back: the bundle
finishes with what was granted, and the detail shows which parts were refused.
Withdrawn members count for nothing unless all are withdrawn.
"""

from dataclasses import dataclass

from tongban.cases.models import Status

from .models import BundleStatus, Outcome

# A decided member whose result is out (or was never to come: withdrawn, terminated, not
# accepted) holds nothing up.
_DONE = {Status.RESULT_ISSUED, Status.DELIVERED, Status.CLOSED}
_ENDED = {Outcome.WITHDRAWN, Outcome.TERMINATED, Outcome.NOT_ACCEPTED}


@dataclass(frozen=True)
class MemberState:
    status: str
    outcome: str


def derive(submitted: bool, members: list[MemberState]) -> str:
    if not submitted:
        return BundleStatus.DRAFT
    if any(m.status == Status.NEEDS_SUPPLEMENT for m in members):
        return BundleStatus.NEEDS_SUPPLEMENT
    if any(
        m.outcome == Outcome.OPEN or (m.outcome not in _ENDED and m.status not in _DONE)
        for m in members
    ):
        return BundleStatus.IN_PROGRESS
    if members and all(m.outcome == Outcome.WITHDRAWN for m in members):
        return BundleStatus.WITHDRAWN
    if not any(m.outcome == Outcome.GRANTED for m in members):
        return BundleStatus.REFUSED
    if any(m.outcome not in _ENDED and m.status == Status.RESULT_ISSUED for m in members):
        return BundleStatus.RESULTS_READY
    return BundleStatus.COMPLETED


# What each case action means for the member's outcome (the others leave it as it is).
OUTCOME_OF_ACTION = {
    "approve": Outcome.GRANTED,
    "deny": Outcome.DENIED,
    "withdraw": Outcome.WITHDRAWN,
    "terminate": Outcome.TERMINATED,
}


def outcome_after(action: str, status: str, current: str) -> str:
    if action == "confirm_refusal":
        return Outcome.NOT_ACCEPTED if status == Status.NOT_ACCEPTED else Outcome.DENIED
    return OUTCOME_OF_ACTION.get(action, current)
