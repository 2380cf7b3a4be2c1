"""Instant approval (秒批 / 无感审批): a submitted case decided by its item's decision rule.

When a case of an item version with a decision rule in force is submitted, inside the
submission's transaction (``cases.hooks.register_submit_handler``):

1. the shared data the rules read is fetched for this case, each query recorded
   (``sharing.services.lookup_many``; a source that fails answers ``found: false``);
2. every rule in force is evaluated on the application and that data, and every
   evaluation is stored with its inputs, outputs and trace (``rules``);
3. the active rule decides: ``approve`` → the system accepts, approves and issues the
   result at once (the certificate follows from ``issue_result``, ``certificates``);
   anything else → the case waits for a person, with the rule's reasons on it. A rule in
   monitor mode is evaluated and recorded and decides nothing. Nothing is denied by a
   machine: a person denies.

A failure anywhere in 1–3 never loses the submission: the work is undone to a savepoint
and the case is referred to a person, saying the automatic check could not finish.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import actions as case_actions
from tongban.cases.models import Case, Status
from tongban.catalog.guide import version_parts
from tongban.catalog.models import ItemVersion
from tongban.core import batching
from tongban.credit import services as credit
from tongban.org.policy import SYSTEM
from tongban.rules import services as rules
from tongban.sharing import services as sharing

logger = logging.getLogger("tongban.instant")

PURPOSE = "秒批：自动比对申请条件"


@dataclass
class Decision:
    outcome: str  # "approve", "refer", or "" when no rule was in force
    reasons: list[str] = field(default_factory=list)
    evaluation_ids: list[int] = field(default_factory=list)


def has_active_rule(version: ItemVersion, on: dt.date | None = None) -> bool:
    """Whether applications for ``version`` are decided instantly on ``on`` (today)."""
    return rules.rules_in_force(version, on or timezone.localdate()).active is not None


def sources_needed(case: Case) -> set[str]:
    """The data sources the case's rules read: the sharing app fetches no others."""
    return set(rules.sources_for(case.item_version, timezone.localdate()))


def inputs_for(case: Case, answers: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """The document a rule reads: the application, the applicant, today, each source."""
    chosen = set(case.answers or [])
    questions, _materials = version_parts(case.item_version)  # kept per published version
    option_texts = [o.text for q in questions for o in q.options.all() if o.pk in chosen]
    applicant = case.applicant
    document: dict[str, Any] = {
        "form": {key: str(value) for key, value in (case.form_data or {}).items()},
        "answers": option_texts,
        "applicant": {"kind": applicant.kind, "name": applicant.name},
        "context": {"today": today.isoformat(), "year": today.year},
    }
    for code, answer in answers.items():
        if answer.found:
            document[code] = {**answer.data, "found": True}
        else:
            document[code] = {"found": False, "error": answer.error}
    return document


def decide(case: Case) -> Decision:
    """Steps 1–3 above for a case just submitted (locked and saved by ``submit``)."""
    today = timezone.localdate()
    in_force = rules.rules_in_force(case.item_version, today)
    if in_force.active is None and not in_force.monitors:
        return _fast_track(case)
    saved = case_actions.snapshot(case)
    try:
        # The decision's audit entries and tasks join the submission's write when it
        # succeeds; a failure rolls the savepoint back and strikes them.
        with batching.savepoint():
            return _decide(case, in_force, today)
    except Exception:
        logger.exception("instant approval of case %s failed; referred to a person", case.pk)
        case_actions.restore(case, saved)
        # What the rolled-back attempt kept on the case for the answer is gone with it.
        case.__dict__.pop("_new_evaluations", None)
        case.__dict__.pop("_issued_certificate", None)
        reasons = [_("The automatic check could not be completed; a person will handle it.")]
        case_actions.refer_to_person(case, reasons=reasons, data={"error": True})
        return Decision("refer", reasons)


def _decide(case: Case, in_force, today: dt.date) -> Decision:
    rules_now = ([in_force.active] if in_force.active else []) + list(in_force.monitors)
    codes: set[str] = set()
    for rule in rules_now:
        codes.update(rule.sources or [])
    answers = {}
    if codes:
        subject = sharing.subject_of(case.applicant)
        answers = sharing.lookup_many(SYSTEM, sorted(codes), subject, case=case, purpose=PURPOSE)
    document = inputs_for(case, answers, today)
    decision = Decision("")
    for rule in rules_now:
        inputs = {key: document[key] for key in document if key not in codes}
        inputs.update({code: document[code] for code in (rule.sources or []) if code in document})
        result = rules.evaluate(rule, inputs)
        deciding = rule is in_force.active
        evaluation = rules.record(case, rule, result, inputs, decided=deciding)
        case.__dict__.setdefault("_new_evaluations", []).append(evaluation)
        if deciding:
            decision = Decision(
                "approve" if result.outcome == "approve" else "refer",
                list(result.reasons),
                [evaluation.pk],
            )
        else:
            decision.evaluation_ids.append(evaluation.pk)
    if in_force.active is None:
        return decision  # monitor only: recorded, decides nothing
    data = {
        "rule": in_force.active.pk,
        "revision": in_force.active.revision,
        "evaluation": decision.evaluation_ids[0],
        "reasons": decision.reasons,
    }
    assessment = credit.assess_case(case)
    if decision.outcome == "approve" and assessment.is_black:
        # A black-listed applicant is never approved by a machine (信用审批).
        decision = Decision(
            "refer",
            [_("Credit: %(why)s A person reviews.") % {"why": assessment.explanation()}],
            decision.evaluation_ids,
        )
        data["credit"] = assessment.standing  # the reasons: ``refer_to_person`` keeps them
    if decision.outcome == "approve":
        note = _("Approved instantly by decision rule “%(name)s” (revision %(revision)s).") % {
            "name": in_force.active.name,
            "revision": in_force.active.revision,
        }
        case_actions.decide_instantly(case, note=note, data=data)
    else:
        if not decision.reasons:
            decision.reasons = [_("The decision rule did not approve; a person will decide.")]
        case_actions.refer_to_person(case, reasons=decision.reasons, data=data)
    return decision


def _fast_track(case: Case) -> Decision:
    """No rule in force: an item whose credit policy says so approves an applicant of good
    credit (red list, or clean for N years) whose application is complete (信用审批)."""
    policy = credit.case_policy(case)
    if policy is None or not policy.fast_track_auto_approval:
        return Decision("")
    assessment = credit.assess_case(case)
    if not assessment.fast_track or case_actions.missing_materials(case):
        return Decision("")
    note = _("Fast track: %(why)s Approved automatically.") % {"why": assessment.explanation()}
    case_actions.decide_instantly(case, note=note, data={"credit": assessment.standing})
    return Decision("approve", [note])


def on_submitted(case: Case) -> None:
    if case.status == Status.SUBMITTED:
        # Kept for the request's answer: what was decided, which may differ from what
        # the rule said (a black-listed applicant, a failed check).
        case.__dict__["_instant_decision"] = decide(case)


def decision_made(case: Case) -> Decision | None:
    """The decision this request made for ``case``, if it made one."""
    return case.__dict__.get("_instant_decision")
