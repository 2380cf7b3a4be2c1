"""The applicant's view of instant approval (秒批) and of data-source checks (三减一优):
what a page shows of a case's decision, and which materials a source confirmed."""

from typing import Any

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion


def verified_materials(case: Case | None) -> dict[int, str]:
    """Material id → the name of the data source that confirmed it (人口信息库 …)."""
    from tongban.sharing.models import DataSource, MaterialVerification

    if case is None or case.pk is None:
        return {}
    rows = list(
        MaterialVerification.objects.filter(case=case, confirmed=True)
        .order_by("at", "pk")
        .values_list("material_id", "source")
    )
    if not rows:
        return {}
    names = dict(
        DataSource.objects.filter(code__in={code for _m, code in rows}).values_list("code", "name")
    )
    return {material_id: names.get(code, code) for material_id, code in rows}


def decision_for_page(case: Case) -> dict[str, Any] | None:
    """The decision block of the case page, or None for a case no rule looked at."""
    from tongban.instant import views_data

    decision = views_data.decision_of(case)
    if not decision["evaluations"] or not decision["outcome"]:
        return None
    return decision


def decided_instantly(version: ItemVersion) -> bool:
    from tongban.instant import views_data

    return views_data.has_active_rule(version)
