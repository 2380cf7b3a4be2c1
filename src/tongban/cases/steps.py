"""The review process of a case: the version's own steps, or a default that fits the item.

Acceptance is the ``accept`` action itself, so steps of kind "acceptance" are not repeated
after it. Defaults: an instant item (即办件) is decided at the window; the approval bureau's
own items merge acceptance and review (the accepting clerk has reviewed), so a chief decides
next; other agencies review, decide, and hand the result back to the window.
"""

from dataclasses import dataclass

from tongban.catalog.guide import derived_from_published
from tongban.catalog.models import ItemVersion, ReviewStep
from tongban.org.models import Agency

Kind = ReviewStep.Kind
Role = ReviewStep.Actor


@dataclass(frozen=True)
class StepSpec:
    kind: str
    role: str
    share: int  # percent of the promised limit
    name: str = ""
    agency_id: int | None = None  # None: the deciding agency


INSTANT = [StepSpec(Kind.DECISION, Role.WINDOW_CLERK, 100)]
BUREAU = [
    StepSpec(Kind.DECISION, Role.SECTION_CHIEF, 80),
    StepSpec(Kind.RESULT, Role.WINDOW_CLERK, 20),
]
DEPARTMENT = [
    StepSpec(Kind.REVIEW, Role.BACKOFFICE_REVIEWER, 60),
    StepSpec(Kind.DECISION, Role.SECTION_CHIEF, 30),
    StepSpec(Kind.RESULT, Role.WINDOW_CLERK, 10),
]


def steps_for(version: ItemVersion, deciding_agency: Agency) -> list[StepSpec]:
    own = _own_steps(version)
    if own:
        return own
    if version.case_type == ItemVersion.CaseType.INSTANT:
        return INSTANT
    if deciding_agency.kind == Agency.Kind.APPROVAL_BUREAU:
        return BUREAU
    return DEPARTMENT


def _own_steps(version: ItemVersion) -> list[StepSpec]:
    return derived_from_published(
        version,
        "version-steps",
        lambda: [
            StepSpec(step.kind, step.role, step.share, step.name, step.agency_id)
            for step in version.steps.all()
            if step.kind != Kind.ACCEPTANCE
        ],
    )


def decision_index(steps: list[StepSpec]) -> int:
    for index, step in enumerate(steps):
        if step.kind == Kind.DECISION:
            return index
    return len(steps) - 1


def case_steps(case) -> list[StepSpec]:
    """The case's own process: its version's steps, with the steps added at acceptance
    (``case.added_steps``, e.g. a credit check) before the decision. An added step takes
    half of the time share of the step before it (or of the decision, when first)."""
    steps = list(steps_for(case.item_version, case.deciding_agency))
    for added in case.added_steps or []:
        at = decision_index(steps)
        donor = max(at - 1, 0)
        share = steps[donor].share // 2
        steps[donor] = StepSpec(
            steps[donor].kind,
            steps[donor].role,
            steps[donor].share - share,
            steps[donor].name,
            steps[donor].agency_id,
        )
        steps.insert(
            at,
            StepSpec(added["kind"], added["role"], share, added.get("name", ""), None),
        )
    return steps
