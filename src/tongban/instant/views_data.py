"""What the portal, the workbench and the API show of an instant decision."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tongban.cases.models import Case, Status
from tongban.cases.queries import newest_event
from tongban.catalog.actions import current_version
from tongban.catalog.models import ItemVersion
from tongban.certificates.actions import issued_with
from tongban.certificates.models import Certificate
from tongban.rules import services as rules
from tongban.rules.models import Mode

from .services import decision_made, has_active_rule


def certificate_of(case: Case) -> Certificate | None:
    return Certificate.objects.filter(case=case).order_by("-pk").first()


def certificate_ref(certificate: Certificate) -> dict[str, Any]:
    verify = reverse("portal:certificate-verify", args=[certificate.identifier])
    return {
        "id": certificate.pk,
        "identifier": certificate.identifier,
        "number": certificate.number,
        "status": certificate.status,
        "download_url": reverse("portal:certificate-download", args=[certificate.pk]),
        "verify_url": f"{settings.TONGBAN_PUBLIC_URL}{verify}?t={certificate.verify_token}",
    }


def decision_of(
    case: Case, evaluations: list | None = None, *, just_applied: bool = False
) -> dict[str, Any]:
    """``evaluations``: the case's rule evaluations when the caller has read them.
    ``just_applied``: ``case`` is the object an application was created, submitted and
    decided with in this request: its evaluations and certificate are those it made."""
    certificate = None
    if just_applied:
        evaluations = case.__dict__.get("_new_evaluations", [])
        certificate = issued_with(case)
    if evaluations is None:
        evaluations = rules.evaluations_for(case)
    if certificate is None and case.status != Status.SUBMITTED:
        certificate = certificate_of(case)
    outcome, reasons = _outcome(case, evaluations, just_applied)
    return {
        "case_id": case.pk,
        "code": case.code,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "instant": has_active_rule(case.item_version),
        "outcome": outcome,
        "reasons": reasons,
        "evaluations": [
            {
                "rule": e.rule.name,
                "revision": e.revision,
                "mode": e.mode,
                "outcome": e.outcome,
                "reasons": list(e.reasons or []),
                "decided": e.decided,
            }
            for e in evaluations
        ],
        "certificate": certificate_ref(certificate) if certificate else None,
    }


def _outcome(case: Case, evaluations: list, just_applied: bool) -> tuple[str, list[str]]:
    """What was decided and why. Not always what the rule said: a rule's approval of a
    black-listed applicant, or a check that failed, refers the case to a person, and the
    applicant is told that and its reasons."""
    if just_applied:
        made = decision_made(case)
        if made is None or (made.outcome == "approve" and not evaluations):
            return "", []  # no rule decided (no rule in force, or the credit fast track)
        return made.outcome, list(made.reasons)
    referral = newest_event(case, "refer")
    if referral is not None:
        return "refer", list((referral.data or {}).get("reasons") or referral.note.split("；"))
    deciding = next((e for e in evaluations if e.decided), None)
    if deciding is None:
        return "", []
    return ("approve" if deciding.outcome == "approve" else "refer"), list(deciding.reasons)


def instant_items() -> list[dict[str, Any]]:
    """Items whose version in force today has an active decision rule in force."""
    today = timezone.localdate()
    versions = (
        ItemVersion.objects.filter(
            decision_rules__mode=Mode.ACTIVE, decision_rules__effective_from__lte=today
        )
        .select_related("item")
        .distinct()
        .order_by("name")
    )
    found = []
    for version in versions:
        current = current_version(version.item, today)
        if current is not None and current.pk == version.pk:
            found.append({"item": version.item.impl_code, "name": version.name})
    return found
