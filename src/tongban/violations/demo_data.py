"""The demo city's violation notice: the market regulator's officer (``supervisor``,
赵磊) reports one licence it supervises, awaiting the bureau chief's decision.

Idempotent: nothing happens once a notice exists, or when no demo licence of an item the
regulator supervises is in force (the demo cases were not loaded)."""

import io

from django.db import transaction

from tongban.cases.models import Case
from tongban.org.models import Agency, User
from tongban.org.policy import principal_for_user

from . import actions, services
from .models import ViolationNotice

REGULATOR = "德州市市场监督管理局"
OFFICER = "supervisor"
# A one-page PDF standing for the scanned inspection record.
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _licence(regulator: Agency) -> Case | None:
    candidates = (
        Case.objects.filter(
            item_version__supervising_agencies=regulator,
            status__in=services.IN_FORCE_STATUSES,
            events__action="approve",
        )
        .select_related("item_version", "applicant", "deciding_agency")
        .distinct()
        .order_by("-decided_at", "-pk")
    )
    in_force = [case for case in candidates if services.licence_problem(case) is None]
    # One with an e-certificate if there is one: its verification page then tells the story.
    in_force.sort(key=lambda case: services.certificate_of(case) is None)
    return in_force[0] if in_force else None


def load() -> dict[str, int]:
    if ViolationNotice.objects.exists():
        return {"violation_notices_created": 0}
    regulator = Agency.objects.filter(name=REGULATOR).first()
    officer = User.objects.filter(username=OFFICER, is_active=True).first()
    if regulator is None or officer is None:
        return {"violation_notices_created": 0}
    case = _licence(regulator)
    if case is None:
        return {"violation_notices_created": 0}
    evidence = io.BytesIO(EVIDENCE)
    evidence.name = "现场检查笔录.pdf"
    with transaction.atomic():
        actions.report(
            principal_for_user(officer),
            case,
            kind="commitment",
            facts=(
                "2026年日常监督检查中发现，该市场主体实际经营场所与申请时承诺的住所不一致，"
                "经责令限期改正后仍未改正。"
            ),
            legal_basis="《中华人民共和国行政许可法》第六十九条；《中华人民共和国市场主体登记管理条例》第四十条",
            proposed_measure="revoke",
            evidence=[evidence],
            agency=regulator,
        )
    return {"violation_notices_created": 1}
