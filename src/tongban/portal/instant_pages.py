"""The applicant's view of instant approval (秒批) and of data-source checks (三减一优):
what a page shows of a case's decision, and which materials a source confirmed."""

from typing import Any

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion


def verified_materials(case: Case | None) -> dict[int, str]:
    """Material id → the name of the data source that confirmed it (人口信息库 …), by
    each material's newest verification."""
    from tongban.sharing.models import DataSource
    from tongban.sharing.services import latest_verifications

    if case is None or case.pk is None:
        return {}
    confirmed = [v for v in latest_verifications(case) if v.confirmed]
    if not confirmed:
        return {}
    names = dict(
        DataSource.objects.filter(code__in={v.source for v in confirmed}).values_list(
            "code", "name"
        )
    )
    return {v.material_id: names.get(v.source, v.source) for v in confirmed}


def decision_for_page(case: Case) -> dict[str, Any] | None:
    """The decision block of the case page, or None for a case no rule looked at."""
    from tongban.instant import views_data
    from tongban.rules.services import evaluations_for

    # Most cases no rule looked at: one query, and nothing more is read for them.
    evaluations = evaluations_for(case)
    if not any(e.decided for e in evaluations):
        return None
    return views_data.decision_of(case, evaluations)


def decided_instantly(version: ItemVersion) -> bool:
    from tongban.instant import views_data

    return views_data.has_active_rule(version)
