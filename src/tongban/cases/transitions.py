"""The case lifecycle as one annotated table (domain.md §2.3).

Each row: (from status, action) → to status, who may take it, and why the row exists.
``actions.py`` asks this table before anything changes; a move that is not here is refused
with HTTP 409 and changes nothing.

Who:
  applicant — the applicant or whoever filed for them (agent, village station)
  clerk     — a window clerk where the item may be accepted
  handler   — whoever the current review step names (reviewer, chief or clerk)
  chief     — a section chief of the deciding agency (never the one who proposed)
  staff     — a clerk or anyone of the deciding agency
  system    — the periodic deadline task, and instant approval (秒批): a decision rule that
              approves accepts, approves and issues at once; it never denies
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status as S


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    who: tuple[str, ...]
    why: str


_TABLE = [
    Transition(S.DRAFT, "submit", S.SUBMITTED, ("applicant", "clerk"), "收件: the clock for acceptance starts (Art. 32: 5 working days)"),
    Transition(S.SUBMITTED, "request_supplement", S.NEEDS_SUPPLEMENT, ("clerk",), "补正: every gap told at once; the acceptance clock pauses"),
    Transition(S.NEEDS_SUPPLEMENT, "supply", S.SUBMITTED, ("applicant", "clerk"), "the applicant supplies what was asked; acceptance review again"),
    Transition(S.SUBMITTED, "accept", S.IN_REVIEW, ("clerk", "system"), "受理: the decision clock starts the next working day; the system for an instant approval (秒批)"),
    Transition(S.SUBMITTED, "accept_tolerant", S.ACCEPTED_TOLERANT, ("clerk",), "容缺受理: main materials complete, secondary ones deferred"),
    Transition(S.SUBMITTED, "accept_on_commitment", S.IN_REVIEW, ("clerk",), "告知承诺: a signed commitment replaces proof; a post-check follows"),
    Transition(S.SUBMITTED, "propose_non_acceptance", S.NON_ACCEPTANCE_PENDING, ("clerk",), "窗口无否决权: a clerk's refusal waits for a chief"),
    Transition(S.NON_ACCEPTANCE_PENDING, "confirm_refusal", S.NOT_ACCEPTED, ("chief",), "不予受理: written notice with reasons and remedies"),
    Transition(S.NON_ACCEPTANCE_PENDING, "overturn_refusal", S.SUBMITTED, ("chief",), "the chief overturns: back to the window to accept"),
    Transition(S.ACCEPTED_TOLERANT, "supply_deferred", S.IN_REVIEW, ("applicant", "clerk"), "the deferred materials arrived in time"),
    Transition(S.ACCEPTED_TOLERANT, "terminate", S.TERMINATED, ("system", "chief"), "deferred materials missed their deadline: handling ends"),
    Transition(S.ACCEPTED_TOLERANT, "complete_step", S.ACCEPTED_TOLERANT, ("handler",), "review may go on while materials are deferred"),
    Transition(S.IN_REVIEW, "complete_step", S.IN_REVIEW, ("handler",), "a review step done; the next step's role takes over"),
    Transition(S.IN_REVIEW, "start_special_procedure", S.SPECIAL_PROCEDURE, ("handler", "chief"), "Art. 45: hearing, testing, expert review… do not count"),
    Transition(S.SPECIAL_PROCEDURE, "end_special_procedure", S.IN_REVIEW, ("handler", "chief"), "the clock runs again"),
    Transition(S.IN_REVIEW, "extend", S.IN_REVIEW, ("chief",), "Art. 42: extension with reasons told to the applicant"),
    Transition(S.IN_REVIEW, "approve", S.APPROVED, ("handler", "system"), "准予许可, at the decision step; the system only when a decision rule approves (never denies)"),
    Transition(S.IN_REVIEW, "deny", S.DENIED, ("chief",), "不予许可 by a chief, with reasons"),
    Transition(S.IN_REVIEW, "propose_denial", S.DENIAL_PENDING, ("handler",), "a denial by anyone but a chief waits for one"),
    Transition(S.DENIAL_PENDING, "confirm_refusal", S.DENIED, ("chief",), "不予许可 confirmed"),
    Transition(S.DENIAL_PENDING, "overturn_refusal", S.IN_REVIEW, ("chief",), "the chief overturns: review goes on"),
    Transition(S.IN_REVIEW, "terminate", S.TERMINATED, ("system", "chief"), "a false commitment found before the decision"),
    Transition(S.APPROVED, "issue_result", S.RESULT_ISSUED, ("staff", "system"), "Art. 44: the certificate is issued within 10 days; at once after an instant approval"),
    Transition(S.DENIED, "issue_result", S.RESULT_ISSUED, ("staff",), "the written denial goes out like a result"),
    Transition(S.RESULT_ISSUED, "deliver", S.DELIVERED, ("clerk", "staff"), "出件: handed over at the window or sent"),
    Transition(S.DELIVERED, "close", S.CLOSED, ("system", "clerk", "staff"), "办结"),
    Transition(S.CLOSED, "amend", S.CLOSED, ("chief",), "变更: a recorded change to the issued result"),
    Transition(S.CLOSED, "revoke", S.REVOKED, ("chief", "system"), "撤销: e.g. a false commitment found by the post-check"),
    Transition(S.CLOSED, "cancel_licence", S.CANCELLED, ("chief",), "注销"),
    Transition(S.CLOSED, "withdraw_licence", S.LICENCE_WITHDRAWN, ("chief",), "吊销 (a penalty)"),
]  # fmt: skip

# A licence is in force once issued, handed over or not (an e-certificate needs no
# handover): it may be changed, revoked, cancelled or withdrawn from then on.
_TABLE += [
    Transition(source, action, S.REVOKED if action == "revoke" else target, who, why)
    for source in (S.RESULT_ISSUED, S.DELIVERED)
    for action, target, who, why in (
        ("amend", source, ("chief",), "变更 of an issued result not yet closed"),
        ("revoke", S.REVOKED, ("chief", "system"), "撤销 of an issued result"),
        ("cancel_licence", S.CANCELLED, ("chief",), "注销 of an issued result"),
        ("withdraw_licence", S.LICENCE_WITHDRAWN, ("chief",), "吊销 of an issued result"),
    )
]

# The applicant may withdraw (撤回) anything not yet decided.
_TABLE += [
    Transition(source, "withdraw", S.WITHDRAWN, ("applicant",), "撤回 before the decision")
    for source in (
        S.DRAFT,
        S.SUBMITTED,
        S.NEEDS_SUPPLEMENT,
        S.ACCEPTED_TOLERANT,
        S.IN_REVIEW,
        S.SPECIAL_PROCEDURE,
    )
]

# Not a move: recording why an open case is late, by whoever must act on it now.
EXPLAIN_DELAY = Transition(
    "*", "explain_delay", "*", ("handler", "chief", "clerk"), "超期说明, shown to the applicant"
)

TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in _TABLE}

ACTION_LABELS = {
    "create": _("Application started"),
    "edit": _("Application edited"),
    "submit": _("Submitted"),
    "request_supplement": _("Supplement requested"),
    "supply": _("Supplement provided"),
    "accept": _("Accepted"),
    "accept_tolerant": _("Accepted with deferred materials"),
    "accept_on_commitment": _("Accepted on a signed commitment"),
    "propose_non_acceptance": _("Non-acceptance proposed"),
    "confirm_refusal": _("Refusal confirmed by the chief"),
    "overturn_refusal": _("Refusal overturned by the chief"),
    "supply_deferred": _("Deferred materials provided"),
    "terminate": _("Terminated"),
    "complete_step": _("Step completed"),
    "start_special_procedure": _("Special procedure started"),
    "end_special_procedure": _("Special procedure ended"),
    "extend": _("Time limit extended"),
    "approve": _("Approved"),
    "deny": _("Denied"),
    "propose_denial": _("Denial proposed"),
    "issue_result": _("Result issued"),
    "deliver": _("Result delivered"),
    "close": _("Closed"),
    "amend": _("Changed"),
    "revoke": _("Revoked"),
    "cancel_licence": _("Licence cancelled"),
    "withdraw_licence": _("Licence withdrawn"),
    "withdraw": _("Withdrawn by the applicant"),
    "upload": _("Material received"),
    "explain_delay": _("Reason for the delay recorded"),
    "warn": _("Deadline warning"),
    "warn_step": _("Step time warning"),
    "post_check": _("Commitment checked"),
    "refer": _("Referred to a person"),
    "adjust": _("Handling adjusted"),
    "sign_commitment": _("Commitment signed"),
}


class IllegalTransition(ValueError):
    """The move is not in the table; nothing was changed (HTTP 409)."""


def require(status: str, action: str) -> Transition:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(
            _("A case that is “%(status)s” cannot be “%(action)s”.")
            % {"status": S(status).label, "action": ACTION_LABELS.get(action, action)}
        ) from None


def available(status: str) -> list[Transition]:
    """The moves the table allows from ``status`` (the UI offers these, policy permitting)."""
    return [t for t in _TABLE if t.source == status]
