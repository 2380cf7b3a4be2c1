"""审管互动, what changes: results pushed, claimed (认领), escalated, resent; endpoints.

Every change runs in one transaction with the push rows locked, is audited, and enqueues
its notifications and deliveries in that same transaction (a rolled-back change sends
nothing). The push itself is created inside the case action that caused it
(:func:`on_case_acted`, connected to ``cases.hooks.case_acted``).
"""

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import hooks
from tongban.cases.models import Case, CaseEvent
from tongban.cases.models import Status as CaseStatus
from tongban.cases.queries import newest_event
from tongban.catalog.guide import derived_from_published
from tongban.catalog.models import ItemVersion
from tongban.certificates.models import Certificate
from tongban.core import audit, crypto
from tongban.core.notifications import Channel, notify
from tongban.org import policy
from tongban.org.models import Agency, StaffRole, User
from tongban.org.policy import SYSTEM, Principal
from tongban.workdays.clock import WORKING_DAYS, calendar_for, compute_deadline

from . import conf
from .models import Push, WebhookEndpoint

# The case actions that push a result, and what the department is told happened.
AFTER_ISSUE_EVENTS = {
    "amend": Push.Event.CHANGE,
    "revoke": Push.Event.REVOCATION,
    "cancel_licence": Push.Event.CANCELLATION,
    "withdraw_licence": Push.Event.WITHDRAWAL,
}
DEPARTMENT_ROLES = (StaffRole.SUPERVISING_OFFICER, StaffRole.SECTION_CHIEF)


class AlreadyClaimed(ValidationError):
    """The push was claimed before (HTTP 409)."""


def event_for(action: str, source: str) -> str | None:
    """The push event a case action causes, or None. A licence exists once the result of
    an approval is issued (an instant approval issues it in the same transaction)."""
    if action == "issue_result" and source == CaseStatus.APPROVED:
        return Push.Event.APPROVAL
    return AFTER_ISSUE_EVENTS.get(action)


# ---------------------------------------------------------------- pushing


def on_case_acted(sender, case: Case, action: str, source: str = "", **_kwargs) -> None:
    event = event_for(action, source)
    if event is None or not _supervised(case.item_version):
        return
    agencies = list(case.item_version.supervising_agencies.all())
    case_event = newest_event(case, action)
    push_result(case, event, agencies, case_event)


def _supervised(version: ItemVersion) -> bool:
    """Whether any department supervises ``version``: asked on every approval, and a
    published version's departments never change (``catalog.models``), so kept."""
    return derived_from_published(
        version, "supervised", lambda: version.supervising_agencies.exists()
    )


def connect() -> None:
    hooks.case_acted.connect(on_case_acted, dispatch_uid="supervision.on_case_acted")


def claim_deadline(agency: Agency, start: dt.datetime) -> dt.datetime:
    """The end of the N-th working day after ``start`` in the department's calendar."""
    return compute_deadline(
        start=start,
        limit=conf.claim_days(),
        unit=WORKING_DAYS,
        calendar=calendar_for(agency.region_id),
    ).due


def _holder(case: Case) -> dict:
    applicant = case.applicant
    # A person's ID number masked; an organisation's credit code (public) in full.
    holder = {
        "name": applicant.name,
        "kind": applicant.kind,
        "identifier": applicant.identifier_display,
    }
    if applicant.kind == applicant.Kind.PERSON:
        holder["id_masked"] = applicant.id_number_masked
    else:
        holder["credit_code"] = applicant.credit_code or ""
    return holder


def _certificate(case: Case) -> dict | None:
    from tongban.certificates.pdf import verification_url

    certificate = Certificate.objects.filter(case=case).first()
    if certificate is None:
        return None
    return {
        "identifier": certificate.identifier,
        "number": certificate.number,
        "type": certificate.type_name,
        "status": certificate.status,
        "valid_to": certificate.valid_to.isoformat() if certificate.valid_to else None,
        "verification_url": verification_url(certificate),
    }


def build_payload(case: Case, event: str, case_event: CaseEvent | None) -> dict:
    """What the department learns: the result, not the case file (no materials)."""
    version = case.item_version
    decided = case.decided_at
    return {
        "event": event,
        "case_code": case.code or "",
        "item": {
            "name": version.name,
            "code": case.item.impl_code,
            "basic_code": case.item.catalog_code,
        },
        "deciding_agency": case.deciding_agency.name if case.deciding_agency_id else "",
        "holder": _holder(case),
        "decision_date": timezone.localdate(decided).isoformat() if decided else None,
        "certificate": _certificate(case),
        "case_status": case.status,
        "reason": case_event.note if case_event is not None and event != "approval" else "",
        "occurred_at": case_event.at.isoformat() if case_event is not None else None,
    }


def officers_of(agency: Agency, roles: Iterable[str] = DEPARTMENT_ROLES):
    return User.objects.filter(
        assignments__role__in=list(roles), assignments__agency=agency, is_active=True
    ).distinct()


def push_result(
    case: Case, event: str, agencies: Iterable[Agency], case_event: CaseEvent | None
) -> list[Push]:
    """One push per department, in the caller's transaction (the case action's): each
    department's officers told in the workbench, the delivery enqueued where the
    department has an enabled endpoint. A push already made for ``case_event`` is kept."""
    from .tasks import deliver_push

    now = case_event.at if case_event is not None else timezone.now()
    payload = build_payload(case, event, case_event)
    endpoints = {
        e.agency_id: e
        for e in WebhookEndpoint.objects.filter(agency__in=list(agencies), is_enabled=True)
    }
    made = []
    with transaction.atomic(savepoint=False):
        for agency in agencies:
            if (
                case_event is not None
                and Push.objects.filter(case_event=case_event, agency=agency).exists()
            ):
                continue
            configured = agency.pk in endpoints
            push = Push.objects.create(
                case=case,
                case_event=case_event,
                agency=agency,
                item_id=case.item_id,
                item_name=case.item_version.name[:500],
                event=event,
                payload=payload,
                created_at=now,
                claim_due=claim_deadline(agency, now),
                delivery_state=Push.Delivery.PENDING
                if configured
                else Push.Delivery.NOT_CONFIGURED,
                next_attempt_at=now if configured else None,
            )
            audit.record(
                "supervision.push",
                push,
                changes={"case": case.code, "event": event, "agency": agency.name},
                actor=SYSTEM.actor,
            )
            if configured:
                deliver_push.enqueue(push.pk)
            _tell(agency, push, officers_of(agency, [StaffRole.SUPERVISING_OFFICER]))
            made.append(push)
    return made


def _tell(agency: Agency, push: Push, recipients, *, escalated: bool = False) -> None:
    code = push.payload.get("case_code", "")
    if escalated:
        subject = _("Unclaimed result overdue: %(case)s") % {"case": code}
        body = _(
            "%(agency)s has not claimed the result %(case)s (%(item)s, %(event)s), due "
            "to be claimed by %(due)s."
        )
    else:
        subject = _("New result to supervise: %(case)s") % {"case": code}
        body = _(
            "%(agency)s: %(event)s of %(item)s for %(holder)s (%(case)s). Claim it by %(due)s."
        )
    body = body % {
        "agency": agency.name,
        "case": code,
        "item": push.payload.get("item", {}).get("name", ""),
        "event": Push.Event(push.event).label,
        "holder": push.payload.get("holder", {}).get("name", ""),
        "due": timezone.localtime(push.claim_due).strftime("%Y-%m-%d %H:%M"),
    }
    for user in recipients:
        notify(user, subject, body, [Channel.INBOX])


def push_history(case: Case) -> list[Push]:
    """The pushes a case's past events call for, made now (for cases decided before this
    app existed, or loaded by the demo before its supervising officers): idempotent."""
    made: list[Push] = []
    agencies = list(case.item_version.supervising_agencies.all())
    if not agencies:
        return made
    events = CaseEvent.objects.filter(case=case).order_by("at", "pk")
    for case_event in events:
        event = event_for(case_event.action, case_event.from_status)
        if event is not None:
            made += push_result(case, event, agencies, case_event)
    return made


# ---------------------------------------------------------------- claims


def _require_claim(principal: Principal, push: Push) -> None:
    policy.require(principal, "supervision.claim_push", push)


def _claimed_message(push: Push) -> str:
    who = (
        push.claimed_by.get_full_name() or push.claimed_by.get_username() if push.claimed_by else ""
    )
    return _("This result was already claimed by %(who)s at %(when)s.") % {
        "who": who,
        "when": timezone.localtime(push.claimed_at).strftime("%Y-%m-%d %H:%M"),
    }


def _lock(pks: Iterable[int]):
    return Push.objects.select_for_update(of=("self",)).filter(pk__in=list(pks)).order_by("pk")


def claim(principal: Principal, push: Push) -> Push:
    """认领 one result: the claim time and claimant recorded; never twice."""
    with transaction.atomic():
        locked = _lock([push.pk]).select_related("claimed_by").first()
        if locked is None:
            raise Push.DoesNotExist
        _require_claim(principal, locked)
        if locked.claimed_at is not None:
            raise AlreadyClaimed(_claimed_message(locked), code="already_claimed")
        _record_claim(principal, locked, timezone.now())
    return locked


def _record_claim(principal: Principal, push: Push, now: dt.datetime) -> None:
    push.claimed_at = now
    push.claimed_by = principal.user
    push.save(update_fields=["claimed_at", "claimed_by"])
    audit.record(
        "supervision.claim",
        push,
        changes={"claimed_at": [None, now], "on_time": now <= push.claim_due},
        actor=principal.actor,
    )


def claim_many(principal: Principal, pks: Iterable[int]) -> tuple[list[Push], list[Push]]:
    """认领 several at once: those not yet claimed are claimed; returns (claimed, those
    someone had claimed already). One push the principal may not claim refuses them all."""
    pks = sorted({int(pk) for pk in pks})
    if not pks:
        raise ValidationError(_("Choose the results to claim."), code="empty")
    now = timezone.now()
    claimed, before = [], []
    with transaction.atomic():
        rows = list(_lock(pks).select_related("claimed_by"))
        if len(rows) != len(pks):
            raise Push.DoesNotExist
        for push in rows:
            _require_claim(principal, push)
        for push in rows:
            if push.claimed_at is not None:
                before.append(push)
            else:
                _record_claim(principal, push, now)
                claimed.append(push)
    return claimed, before


def escalate_due(now: dt.datetime | None = None) -> int:
    """Mark the results left unclaimed past their claim deadline as escalated, telling the
    department's chiefs and officers (once: an escalated push is not escalated again)."""
    now = now or timezone.now()
    due = list(
        Push.objects.filter(
            claimed_at__isnull=True, escalated_at__isnull=True, claim_due__lt=now
        ).values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in due:
        with transaction.atomic():
            push = (
                _lock([pk])
                .filter(claimed_at__isnull=True, escalated_at__isnull=True)
                .select_related("agency")
                .first()
            )
            if push is None:
                continue
            push.escalated_at = now
            push.save(update_fields=["escalated_at"])
            audit.record(
                "supervision.escalate",
                push,
                changes={"escalated_at": [None, now], "claim_due": push.claim_due},
                actor=SYSTEM.actor,
            )
            _tell(push.agency, push, officers_of(push.agency), escalated=True)
            done += 1
    return done


# ---------------------------------------------------------------- deliveries


def resend(principal: Principal, push: Push) -> Push:
    """Send a push whose delivery failed (or that had no system then) once more: the
    attempts start again, the idempotency key stays (the receiver may have it)."""
    from .tasks import deliver_push

    with transaction.atomic():
        locked = _lock([push.pk]).select_related("agency").first()
        if locked is None:
            raise Push.DoesNotExist
        policy.require(principal, "supervision.resend_push", locked)
        if locked.delivery_state not in {Push.Delivery.FAILED, Push.Delivery.NOT_CONFIGURED}:
            raise ValidationError(
                _("Only a failed delivery is sent again; this one is “%(state)s”.")
                % {"state": Push.Delivery(locked.delivery_state).label},
                code="not_failed",
            )
        if not WebhookEndpoint.objects.filter(agency=locked.agency, is_enabled=True).exists():
            raise ValidationError(
                _("The department has no enabled system to send to."), code="no_endpoint"
            )
        before = locked.delivery_state
        now = timezone.now()
        locked.delivery_state = Push.Delivery.PENDING
        locked.attempts = 0
        locked.next_attempt_at = now
        locked.lease_until = None
        locked.save(update_fields=["delivery_state", "attempts", "next_attempt_at", "lease_until"])
        audit.record(
            "supervision.resend",
            locked,
            changes={"delivery_state": [before, locked.delivery_state]},
            actor=principal.actor,
        )
        deliver_push.enqueue(locked.pk)
    return locked


# ---------------------------------------------------------------- endpoints


def _require_admin(principal: Principal) -> None:
    policy.require(principal, "supervision.manage_endpoints")


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise ValidationError(
            _("Enter the http(s) address of the department's system."), code="url"
        )
    return url


def create_endpoint(
    principal: Principal, agency: Agency, url: str, *, enabled: bool = True
) -> tuple[WebhookEndpoint, str]:
    """The department's endpoint and its new secret (returned this once, stored encrypted)."""
    _require_admin(principal)
    url = _check_url(url)
    if WebhookEndpoint.objects.filter(agency=agency).exists():
        raise ValidationError(
            _("%(agency)s has an endpoint already; change it instead.") % {"agency": agency.name},
            code="exists",
        )
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            agency=agency, url=url, secret_encrypted=crypto.encrypt(secret), is_enabled=enabled
        )
        audit.record(
            "supervision.endpoint_create",
            endpoint,
            changes={"url": [None, url], "is_enabled": [None, enabled]},
            actor=principal.actor,
        )
    return endpoint, secret


def update_endpoint(
    principal: Principal,
    endpoint: WebhookEndpoint,
    *,
    url: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    _require_admin(principal)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        changes = {}
        if url is not None and _check_url(url) != locked.url:
            changes["url"] = [locked.url, _check_url(url)]
            locked.url = _check_url(url)
        if enabled is not None and enabled != locked.is_enabled:
            changes["is_enabled"] = [locked.is_enabled, enabled]
            locked.is_enabled = enabled
        if changes:
            locked.save(update_fields=["url", "is_enabled"])
            audit.record(
                "supervision.endpoint_change", locked, changes=changes, actor=principal.actor
            )
    return locked


def rotate_secret(principal: Principal, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown this once); the old one stops signing at once."""
    _require_admin(principal)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.secret_encrypted = crypto.encrypt(secret)
        locked.secret_rotated_at = timezone.now()
        locked.save(update_fields=["secret_encrypted", "secret_rotated_at"])
        audit.record(
            "supervision.endpoint_rotate",
            locked,
            changes={"secret": "rotated"},
            actor=principal.actor,
        )
    return locked, secret


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    return crypto.decrypt(endpoint.secret_encrypted)
