"""What credit changes in handling, plugged into the cases app through its hooks.

- A black-listed applicant is refused 容缺 and 告知承诺 (``acceptance guard``) and gets an
  extra credit-check step before the decision (``acceptance adjuster``).
- A fast-track applicant (red list, or clean for N years) gets the item's shorter promise
  where the item's credit policy has one.
- The platform records a credit entry itself when an applicant breaks a commitment: a
  false commitment found by the post-check, deferred materials (容缺) never supplied.
Each effect is explained on the case (an ``adjust`` event), or in the refusal.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.cases import hooks
from tongban.cases.models import Case, Status
from tongban.catalog.models import ReviewStep
from tongban.org.policy import SYSTEM

from . import actions, services
from .models import Kind, Source

GUARDED = {
    "accept_tolerant": gettext_lazy("tolerant acceptance (容缺受理)"),
    "accept_on_commitment": gettext_lazy("notify-and-commit (告知承诺)"),
    "sign_commitment": gettext_lazy("notify-and-commit (告知承诺)"),
}

CREDIT_CHECK_NAME = "信用核查"


def acceptance_guard(case: Case, action: str) -> str:
    if action not in GUARDED:
        return ""
    assessment = services.assess_case(case)
    if not assessment.is_black:
        return ""
    return _("This applicant may not use %(what)s until their credit is repaired. %(why)s") % {
        "what": GUARDED[action],
        "why": assessment.explanation(),
    }


def acceptance_adjuster(case: Case) -> list[hooks.Adjustment]:
    assessment = services.assess_case(case)
    data = {"credit": assessment.standing}
    if assessment.is_black:
        case.added_steps = [
            {
                "kind": ReviewStep.Kind.REVIEW,
                "role": ReviewStep.Actor.SECTION_CHIEF,
                "name": CREDIT_CHECK_NAME,
            }
        ]
        note = _("Credit: %(why)s A person reviews, with an extra credit check (信用核查).") % {
            "why": assessment.explanation()
        }
        return [hooks.Adjustment(note, public=False, data=data)]
    if not assessment.fast_track or case.promised_limit == 0:
        return []
    policy = services.case_policy(case)
    if policy is None or policy.fast_track_limit is None:
        return []
    if policy.fast_track_limit >= case.promised_limit:
        return []
    before = case.promised_limit
    case.promised_limit = policy.fast_track_limit
    note = _("Fast track: %(why)s The promised time limit is %(limit)s instead of %(before)s.") % {
        "why": assessment.explanation(),
        "limit": case.promised_limit,
        "before": before,
    }
    return [
        hooks.Adjustment(
            note, public=True, data={**data, "promised_limit": [before, case.promised_limit]}
        )
    ]


def on_case_acted(sender, case: Case, action: str, source: str = "", **_kwargs) -> None:
    """The platform's own records: a broken commitment is a credit record (domain.md §4)."""
    if action not in {"revoke", "terminate"}:
        return  # every other action: nothing to record, and not one query spent on it
    today = timezone.localdate()
    authority = case.deciding_agency.name
    if _false_commitment(case):
        actions.record(
            SYSTEM,
            applicant=case.applicant,
            kind=Kind.FALSE_COMMITMENT,
            title=_("False commitment in case %(code)s (%(item)s)")
            % {"code": case.code, "item": case.item_version.name},
            authority=authority,
            decided_on=today,
            case=case,
            source=Source.PLATFORM,
        )
    elif action == "terminate" and source == Status.ACCEPTED_TOLERANT:
        actions.record(
            SYSTEM,
            applicant=case.applicant,
            kind=Kind.OVERDUE_SUPPLEMENT,
            title=_("Deferred materials of case %(code)s (%(item)s) not supplied in time")
            % {"code": case.code, "item": case.item_version.name},
            authority=authority,
            decided_on=today,
            case=case,
            source=Source.PLATFORM,
        )


def _false_commitment(case: Case) -> bool:
    from tongban.cases.models import Commitment

    commitment = Commitment.objects.filter(case=case).only("check_result").first()
    return commitment is not None and commitment.check_result == Commitment.CheckResult.FALSE


def connect() -> None:
    hooks.register_acceptance_guard(acceptance_guard)
    hooks.register_acceptance_adjuster(acceptance_adjuster)
    hooks.case_acted.connect(on_case_acted, dispatch_uid="credit.on_case_acted")
