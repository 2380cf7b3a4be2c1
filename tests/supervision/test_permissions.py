"""Who may do what with pushed results: every supervision rule × every kind of person."""

import pytest

from tongban.org import policy
from tongban.org.policy import ANONYMOUS, SYSTEM
from tongban.supervision import services
from tongban.supervision.models import Push

from .conftest import only_push

pytestmark = pytest.mark.django_db

WHO = [
    "officer",
    "amr_chief",
    "other_officer",
    "bureau_chief",
    "auditor",
    "admin",
    "deciding_chief",
    "clerk",
    "citizen",
]

# (action, who is allowed)
MATRIX = {
    "supervision.view_push": {
        "officer",
        "amr_chief",
        "bureau_chief",
        "auditor",
        "admin",
        "deciding_chief",
    },
    "supervision.claim_push": {"officer", "amr_chief"},
    "supervision.resend_push": {"officer", "amr_chief", "admin"},
    "supervision.manage_endpoints": {"admin"},
}


def _user(sw, who):
    return {
        "deciding_chief": sw.base.chief,
        "clerk": sw.base.clerk,
        "citizen": sw.base.citizen,
    }.get(who) or getattr(sw, who)


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_matrix(sw, action):
    push = only_push(sw.approve())
    for who in WHO:
        allowed = policy.allows(sw.p(_user(sw, who)), action, push)
        assert allowed == (who in MATRIX[action]), (action, who)
    assert not policy.allows(ANONYMOUS, action, push)


def test_the_matrix_covers_every_supervision_rule():
    assert set(MATRIX) | {"supervision.view_claim_rates"} == {
        a for a in policy.actions() if a.startswith("supervision.")
    }


def test_claim_rates_for_departments_and_the_bureau(sw):
    allowed = {"officer", "amr_chief", "other_officer", "bureau_chief", "auditor", "admin"}
    for who in WHO:
        assert policy.allows(sw.p(_user(sw, who)), "supervision.view_claim_rates") == (
            who in allowed
        ), who
    # a department's own figures only
    assert policy.allows(sw.p(sw.officer), "supervision.view_claim_rates", sw.amr)
    assert not policy.allows(sw.p(sw.other_officer), "supervision.view_claim_rates", sw.amr)


def test_lists_are_narrowed_the_same_way(sw):
    only_push(sw.approve())
    for who in WHO:
        seen = services.visible(sw.p(_user(sw, who))).count()
        assert seen == (1 if who in MATRIX["supervision.view_push"] else 0), who
    assert services.visible(SYSTEM).count() == Push.objects.count()
