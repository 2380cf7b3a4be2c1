"""The staff case page's view of instant approval (秒批): the decision rules' evaluations
(the reason for the decision), the shared-data queries made for the case, the materials a
data source confirmed, and the certificate issued."""

from typing import Any

from tongban.cases.models import Case


def panel(case: Case) -> dict[str, Any]:
    from tongban.certificates.models import Certificate
    from tongban.rules import services as rules
    from tongban.sharing import services as sharing

    return {
        "rule_evaluations": rules.evaluations_for(case),
        "sharing_queries": sharing.queries_for_case(case),
        "certificates": list(Certificate.objects.filter(case=case).order_by("pk")),
    }
