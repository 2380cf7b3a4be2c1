"""The demo city's 审管互动: no webhook endpoint (nothing would answer one), so every
push waits in the supervising department's workbench inbox. The demo's supervising
officer ``supervisor`` (德州市市场监督管理局, key ``amr``) sees the licences of the items
that department supervises as soon as their results are issued.

Cases approved through the real actions are pushed as they are decided. :func:`load`
pushes, after the fact, those decided before this app was installed (or loaded with the
signal disconnected); it is idempotent — a case event pushes once per department.
"""

from django.db import transaction

from tongban.cases.models import Case, CaseEvent

from . import actions


def push_existing() -> int:
    """Push the results of every case whose history calls for one and has none yet."""
    actions_pushing = ["issue_result", *actions.AFTER_ISSUE_EVENTS]
    case_ids = (
        CaseEvent.objects.filter(action__in=actions_pushing)
        .values_list("case_id", flat=True)
        .distinct()
    )
    made = 0
    cases = Case.objects.filter(
        pk__in=list(case_ids), item_version__supervising_agencies__isnull=False
    ).distinct()
    for case in cases.select_related("item", "item_version", "applicant", "deciding_agency"):
        with transaction.atomic():
            made += len(actions.push_history(case))
    return made


def load() -> dict[str, int]:
    return {"supervision_pushes_created": push_existing()}
