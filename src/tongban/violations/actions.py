"""Violation notices (告知函): a supervising department reports, the bureau decides.

Each action runs in one transaction with the rows it changes locked, appends an audit
entry and queues its notifications in that same transaction. Deciding on a measure calls
``cases.actions.after_closing`` inside the decision's transaction, so the case, its
certificate (``certificates`` follows the case) and the notice change together or not at
all.
"""

import contextvars
import datetime as dt
from collections.abc import Iterable
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.cases import actions as case_actions
from tongban.cases import hooks
from tongban.cases.files import CheckedFile, check_upload
from tongban.cases.models import Case
from tongban.cases.queries import chiefs_of
from tongban.core import audit
from tongban.core.notifications import Channel, notify
from tongban.credit import actions as credit_actions
from tongban.credit.models import Kind as CreditKind
from tongban.credit.models import Source as CreditSource
from tongban.org import policy
from tongban.org.models import Agency
from tongban.org.policy import SYSTEM, Principal
from tongban.workdays.clock import calendar_for

from . import services
from .models import (
    CASE_ACTIONS,
    Evidence,
    Kind,
    Measure,
    NoticeCounter,
    Status,
    ViolationNotice,
)
from .policy_rules import reporting_agency_ids

DISMISS = "dismiss"
MAX_EVIDENCE_FILES = 10
FACTS_MAX = 4000
BASIS_MAX = 2000
REASONS_MAX = 2000


class AlreadyDecided(ValidationError):
    """The notice was decided before (HTTP 409): a notice is decided once."""


def decision_days() -> int:
    return int(getattr(settings, "TONGBAN_VIOLATION_DECISION_DAYS", 10))


# The case being acted on by a decision: its own notice to the applicant is replaced by
# the decision's, which says why (``hooks.register_notice_handler``).
_deciding: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "violations_deciding", default=None
)


def _handled_here(case: Case, action: str) -> bool:
    return _deciding.get() == case.pk and action in CASE_ACTIONS.values()


def connect() -> None:
    hooks.register_notice_handler(_handled_here)


# ---------------------------------------------------------------- helpers


def _text(value: Any, limit: int, message: str, code: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationError(message, code=code)
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s is too long (at most %(limit)s characters).")
            % {"field": message.rstrip("。."), "limit": limit},
            code=code,
        )
    return text


def _check_evidence(files: Iterable[Any]) -> list[tuple[str, CheckedFile]]:
    checked = []
    for upload in files:
        name = (getattr(upload, "name", "") or "evidence").rsplit("/", 1)[-1][:255]
        checked.append((name, check_upload(upload, name)))
    if not checked:
        raise ValidationError(_("Attach at least one evidence file."), code="evidence")
    if len(checked) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            _("Attach at most %(count)s evidence files.") % {"count": MAX_EVIDENCE_FILES},
            code="evidence",
        )
    return checked


def _next_code(year: int) -> str:
    counter, _created = NoticeCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GZH-{year}-{counter.last:05d}"


def _measure_label(measure: str) -> str:
    return str(Measure(measure).label) if measure in Measure.values else _("Dismissed")


# ---------------------------------------------------------------- report


def report(
    principal: Principal,
    case: Case,
    *,
    kind: str,
    facts: str,
    legal_basis: str,
    proposed_measure: str,
    evidence: Iterable[BinaryIO],
    agency: Agency | None = None,
    now: dt.datetime | None = None,
) -> ViolationNotice:
    """告知函: a supervising department reports that the holder of the licence ``case``
    broke the law or its commitment; the deciding agency's chiefs are told."""
    now = now or timezone.now()
    policy.require(principal, "violations.report", case)
    allowed = reporting_agency_ids(principal, case)
    if agency is not None and agency.pk not in allowed:
        raise policy.OutOfScope(
            _("You do not report for %(agency)s on this licence.") % {"agency": agency.name}
        )
    reporting = agency or Agency.objects.filter(pk__in=allowed).order_by("pk").first()
    if kind not in Kind.values:
        raise ValidationError(_("Choose what the holder did."), code="kind")
    if proposed_measure not in Measure.values:
        raise ValidationError(_("Choose the measure you propose."), code="proposed_measure")
    facts = _text(facts, FACTS_MAX, _("Describe the facts."), "facts")
    legal_basis = _text(legal_basis, BASIS_MAX, _("Give the legal basis."), "legal_basis")
    checked = _check_evidence(evidence)
    with transaction.atomic():
        # The case row locked: a decision on the licence cannot slip in between the check
        # that it is in force and the notice.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("deciding_agency", "item_version", "applicant")
            .get(pk=case.pk)
        )
        problem = services.licence_problem(case, timezone.localdate(now))
        if problem:
            raise ValidationError(problem, code="not_in_force")
        local_day = timezone.localdate(now)
        due = calendar_for(case.deciding_agency.region_id).add_working_days(
            local_day, decision_days()
        )
        notice = ViolationNotice.objects.create(
            code=_next_code(local_day.year),
            agency=reporting,
            reported_by=principal.user,
            case=case,
            certificate=services.certificate_of(case),
            deciding_agency=case.deciding_agency,
            kind=kind,
            facts=facts,
            legal_basis=legal_basis,
            proposed_measure=proposed_measure,
            received_at=now,
            due_date=due,
        )
        for name, file in checked:
            stored = Evidence(
                notice=notice,
                original_name=name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                uploaded_at=now,
            )
            stored.file.save(f"{file.sha256}.{file.extension}", ContentFile(file.content), False)
            stored.save()
        audit.record(
            "violations.report",
            notice,
            changes={
                "case": case.code,
                "agency": reporting.name,
                "kind": kind,
                "proposed_measure": proposed_measure,
                "due_date": due.isoformat(),
                "evidence": [file.sha256 for _name, file in checked],
            },
            actor=principal.actor,
        )
        subject = _("Violation notice %(code)s on case %(case)s") % {
            "code": notice.code,
            "case": case.code,
        }
        body = _(
            "%(agency)s reports that the holder of %(item)s (case %(case)s, %(holder)s) "
            "%(kind)s, and proposes: %(measure)s. Decide by %(due)s."
        ) % {
            "agency": reporting.name,
            "item": case.item_version.name,
            "case": case.code,
            "holder": case.applicant.name,
            "kind": str(Kind(kind).label).lower(),
            "measure": Measure(proposed_measure).label,
            "due": due.isoformat(),
        }
        for chief in chiefs_of(case.deciding_agency):
            notify(chief, subject, body)
    return notice


# ---------------------------------------------------------------- decide


def decide(
    principal: Principal,
    notice: ViolationNotice,
    *,
    measure: str,
    reasons: str,
    now: dt.datetime | None = None,
) -> ViolationNotice:
    """The bureau's decision on a notice: a measure taken on the licence (变更, 撤销, 注销,
    吊销: the case's ``after_closing``, which the certificate follows) or ``dismiss``.

    The reporting officer and, when a measure was taken, the holder are told. A notice is
    decided once.
    """
    now = now or timezone.now()
    if measure != DISMISS and measure not in Measure.values:
        raise ValidationError(_("Choose a measure, or dismiss the notice."), code="measure")
    reasons = _text(reasons, REASONS_MAX, _("Give the reasons for the decision."), "reasons")
    with transaction.atomic():
        locked = (
            ViolationNotice.objects.select_for_update(of=("self",))
            .select_related("case", "agency", "reported_by", "deciding_agency")
            .filter(pk=notice.pk)
            .first()
        )
        if locked is None:
            raise ViolationNotice.DoesNotExist(f"notice {notice.pk} does not exist")
        notice = locked
        policy.require(principal, "violations.decide", notice)
        if not notice.is_open:
            raise AlreadyDecided(
                _("Notice %(code)s was already decided (%(status)s) by %(who)s on %(when)s.")
                % {
                    "code": notice.code,
                    "status": Status(notice.status).label,
                    "who": notice.decided_by.get_full_name() if notice.decided_by else "",
                    "when": timezone.localtime(notice.decided_at).strftime("%Y-%m-%d %H:%M")
                    if notice.decided_at
                    else "",
                },
                code="decided",
            )
        case = notice.case
        if measure != DISMISS:
            with translation.override(settings.LANGUAGE_CODE):
                note = _("%(reasons)s (violation notice %(code)s)") % {
                    "reasons": reasons,
                    "code": notice.code,
                }
            token = _deciding.set(case.pk)
            try:
                case = case_actions.after_closing(
                    principal, case, CASE_ACTIONS[Measure(measure)], reason=note
                )
            finally:
                _deciding.reset(token)
            if notice.kind == Kind.COMMITMENT:
                # A broken commitment confirmed by a measure is a credit record (domain.md
                # §4): no 告知承诺 or 容缺 for the holder until the credit is repaired.
                credit_actions.record(
                    SYSTEM,
                    applicant=case.applicant,
                    kind=CreditKind.FALSE_COMMITMENT,
                    title=note[:500],
                    authority=case.deciding_agency.name,
                    decided_on=timezone.localdate(now),
                    case=case,
                    source=CreditSource.PLATFORM,
                )
        notice.status = Status.DISMISSED if measure == DISMISS else Status.DECIDED
        notice.measure = "" if measure == DISMISS else measure
        notice.decision_reasons = reasons
        notice.decided_by = principal.user
        notice.decided_at = now
        notice.save(
            update_fields=["status", "measure", "decision_reasons", "decided_by", "decided_at"]
        )
        audit.record(
            "violations.decide",
            notice,
            changes={
                "status": [Status.RECEIVED, notice.status],
                "measure": notice.measure,
                "case": case.code,
                "case_status": case.status,
            },
            actor=principal.actor,
        )
        _tell_of_decision(notice, case, measure, reasons)
    return notice


def _tell_of_decision(notice: ViolationNotice, case: Case, measure: str, reasons: str) -> None:
    officer = notice.reported_by
    label = _measure_label(measure)
    if officer is not None and officer.is_active:
        notify(
            officer,
            _("Decision on violation notice %(code)s: %(measure)s")
            % {"code": notice.code, "measure": label},
            _(
                "%(agency)s decided on your notice %(code)s (case %(case)s): %(measure)s.\n%(reasons)s"
            )
            % {
                "agency": notice.deciding_agency.name,
                "code": notice.code,
                "case": case.code,
                "measure": label,
                "reasons": reasons,
            },
        )
    holder = case.applicant.account if measure != DISMISS else None
    if holder is not None and holder.is_active:
        channels = [Channel.INBOX] + ([Channel.SMS] if case.applicant.phone else [])
        notify(
            holder,
            _("Your licence: %(measure)s") % {"measure": label},
            _(
                "%(agency)s took this measure on the approval of your case %(case)s "
                "(%(item)s): %(measure)s.\nReasons: %(reasons)s\nYou may apply for "
                "administrative reconsideration within 60 days or bring an administrative "
                "lawsuit within 6 months."
            )
            % {
                "agency": notice.deciding_agency.name,
                "case": case.code,
                "item": case.item_version.name,
                "measure": label,
                "reasons": reasons,
            },
            channels=channels,
        )
