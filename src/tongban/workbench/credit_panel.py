"""The staff case pages' view of credit (信用审批): the applicant's standing today, why,
what it changes for this case, and the records it rests on."""

from typing import Any

from tongban.cases import actions
from tongban.cases.models import Case
from tongban.credit import services as credit


def panel(case: Case) -> dict[str, Any]:
    assessment = credit.assess_case(case)
    effects = credit.effects_for(case, assessment)
    return {
        "credit": assessment,
        "credit_effects": [str(effect) for effect in effects],
        "signed_commitment": actions.commitment_of(case),
        "commitment_offer": actions.commitment_offer(case),
    }
