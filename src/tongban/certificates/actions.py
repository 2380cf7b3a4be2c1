"""Issuing certificates, changing their status, rendering their files.

Issuing runs inside the case action that issued the result (``cases.hooks.case_acted``),
on the request path of an instant approval: a handful of statements, the metadata signed
(ECDSA, tens of µs), and the PDF left to a background task (:func:`ensure_file`, which a
download also calls when the task has not run yet).

Every status change is one transaction: the certificate's row locked, the change checked
against ``transitions`` and the policy, a ``CertificateEvent`` and an audit entry written.
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.cases import hooks
from tongban.cases import transitions as case_transitions
from tongban.cases.actions import is_new
from tongban.cases.models import Case, CaseEvent
from tongban.cases.models import Status as CaseStatus
from tongban.cases.numbering import next_number
from tongban.cases.queries import newest_event
from tongban.core import audit, crypto, sql
from tongban.core.identifiers import mask_resident_id
from tongban.org import policy
from tongban.org.models import Applicant
from tongban.org.policy import SYSTEM, OutOfScope, Principal

from . import metadata, pdf, transitions
from .identifiers import make_identifier
from .models import Certificate, CertificateEvent, CertificateType, HolderIdType, Status
from .services import valid_to_for
from .signing import signer
from .tasks import render_certificate

log = logging.getLogger(__name__)

# The case actions that end the licence a certificate stands for, and what follows.
CASE_ENDINGS = {"revoke": "revoke", "cancel_licence": "cancel", "withdraw_licence": "withdraw"}
# A case whose result may be a certificate: approved, and maybe issued and handed over.
_AFTER_APPROVAL = {CaseStatus.RESULT_ISSUED, CaseStatus.DELIVERED, CaseStatus.CLOSED}

# Compiled once per process (``core.sql``): they run on every instant approval.
_TYPE_OF_ITEM = sql.Prepared(
    lambda item_id: CertificateType.objects.filter(items=item_id, is_active=True).order_by("pk")[:1]
)
_OF_CASE = sql.Prepared(lambda case_id: Certificate.objects.filter(case_id=case_id))


def counter_prefix(cert_type: CertificateType) -> str:
    return f"certificate:{cert_type.type_code}"


def _serial(cert_type: CertificateType, today: dt.date) -> str:
    """Year + the type's counter of that year: ``2026000001``. Taken like a sequence (on
    PostgreSQL outside the caller's transaction, see ``cases.numbering``): no two
    certificates of a type share one; a failed issue leaves a gap."""
    number = next_number(counter_prefix(cert_type), dt.date(today.year, 1, 1))
    return f"{today.year}{number:06d}"


def _holder(applicant: Applicant) -> tuple[str, str, str]:
    """(identifier type, identifier, what screens show) of the applicant."""
    if applicant.kind == Applicant.Kind.PERSON:
        number = applicant.id_number
        return HolderIdType.RESIDENT_ID, number, mask_resident_id(number)
    code = applicant.credit_code or ""
    return HolderIdType.USCC, code, code


def _printed_data(case: Case, cert_type: CertificateType) -> dict:
    form = case.form_data or {}
    data = {key: form[key] for key in cert_type.form_keys() if key in form}
    data["item_name"] = case.item_version.name
    return data


def _was_approved(case: Case) -> bool:
    if case.status == CaseStatus.APPROVED:
        return True
    if case.status in _AFTER_APPROVAL:
        # A denial is issued too (a written refusal): only an approved case had "approve".
        return CaseEvent.objects.filter(case_id=case.pk, action="approve").exists()
    return False


def issue_for_case(case: Case, *, principal: Principal = SYSTEM) -> Certificate | None:
    """The certificate of an approved case whose item has an active certificate type;
    None otherwise. Idempotent: the case's existing certificate is returned.

    Expects the case row locked by the caller (a case action's transaction); without
    that, the unique certificate per case still refuses a second one."""
    if not _was_approved(case):
        return None
    return _issue(case, principal)


def _issue(case: Case, principal: Principal) -> Certificate | None:
    # A case inserted by the action running now has none yet (an instant application).
    existing = issued_with(case) or (None if is_new(case) else _OF_CASE.first(case.pk))
    if existing is not None:
        return existing
    cert_type = _TYPE_OF_ITEM.first(case.item_id)
    if cert_type is None:
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    agency = case.deciding_agency
    holder_type, holder_id, holder_masked = _holder(case.applicant)
    if not holder_id:
        raise ValidationError(_("The applicant has no identifier to issue a certificate to."))
    serial = _serial(cert_type, today)
    certificate = Certificate(
        identifier=make_identifier(cert_type.type_code, agency.credit_code, serial),
        cert_type=cert_type,
        type_code=cert_type.type_code,
        type_name=cert_type.name,
        number=f"{cert_type.number_prefix}{serial}",
        serial=serial,
        holder_name=case.applicant.name,
        holder_id_type=holder_type,
        holder_id_encrypted=crypto.encrypt(holder_id),
        holder_id_index=crypto.blind_index(holder_id),
        holder_id_masked=holder_masked,
        applicant=case.applicant,
        case=case,
        issuer_agency=agency,
        issuer_name=agency.name,
        issuer_code=agency.credit_code,
        issue_date=today,
        valid_from=today,
        valid_to=valid_to_for(today, cert_type.validity_months),
        status=Status.VALID,
        version="001",
        data=_printed_data(case, cert_type),
        verify_token=secrets.token_urlsafe(9),
        created_at=now,
        status_changed_at=now,
    )
    metadata.sign(signer(), certificate, holder_id)
    with transaction.atomic(savepoint=False):
        sql.insert(certificate)
        sql.insert(
            CertificateEvent(
                certificate=certificate,
                at=now,
                action="issue",
                operation_code=transitions.Operation.ISSUE,
                from_status="",
                to_status=Status.VALID,
                reason=case.code or "",
                actor=principal.user,
                actor_label=principal.label,
            )
        )
        audit.record(
            "certificate.issue",
            certificate,
            changes={
                "identifier": certificate.identifier,
                "case": case.code or case.pk,
                "status": ["", Status.VALID],
            },
            actor=principal.actor,
        )
        render_certificate.enqueue(certificate.pk)
    return certificate


# ---------------------------------------------------------------- certificate types


def define_type(
    type_code: str,
    name: str,
    *,
    items=(),
    validity_months: int | None = None,
    lines: list[dict] | None = None,
    number_prefix: str = "",
    title: str = "",
) -> CertificateType:
    """Create or update a certificate type and the items that issue it (a loader's way;
    administrators edit types in the admin). Validated like the admin's form; audited."""
    with transaction.atomic():
        cert_type = (
            CertificateType.objects.select_for_update()
            .filter(type_code=(type_code or "").strip().upper())
            .first()
        ) or CertificateType(type_code=type_code)
        before = {
            "name": cert_type.name,
            "validity_months": cert_type.validity_months,
            "lines": cert_type.lines,
            "number_prefix": cert_type.number_prefix,
            "title": cert_type.title,
        }
        cert_type.name = name
        cert_type.validity_months = validity_months
        cert_type.lines = list(lines or [])
        cert_type.number_prefix = number_prefix
        cert_type.title = title
        cert_type.full_clean(exclude=["items"], validate_unique=cert_type.pk is None)
        created = cert_type.pk is None
        cert_type.save()
        cert_type.items.add(*items)
        after = {key: getattr(cert_type, key) for key in before}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if created or changes:
            audit.record(
                "certificate_type.add" if created else "certificate_type.change",
                cert_type,
                changes=changes,
            )
    return cert_type


# ---------------------------------------------------------------- status changes


def _ensure_may(principal: Principal, certificate: Certificate, transition) -> None:
    if principal.kind == "system":
        if "system" not in transition.who:
            raise OutOfScope(_("The platform does not take this step by itself."))
        return
    if "chief" not in transition.who:
        raise OutOfScope(_("Only the platform takes this step."))
    policy.require(principal, "certificates.change_status", certificate)


def change_status(
    principal: Principal, certificate: Certificate, action: str, *, reason: str
) -> Certificate:
    """Suspend, restore, revoke, cancel, withdraw or expire ``certificate``, with a reason.

    Refused with nothing changed: no reason (ValidationError), a change the table does
    not have (IllegalTransition), someone not allowed (PermissionDenied)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for this change."), code="reason")
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("applicant", "issuer_agency")
            .filter(pk=certificate.pk)
            .first()
        )
        if locked is None:
            raise Certificate.DoesNotExist(f"certificate {certificate.pk} does not exist")
        if principal.kind != "system":
            policy.require(principal, "certificates.view_certificate", locked)
        transition = transitions.require(locked.status, action)
        _ensure_may(principal, locked, transition)
        now = timezone.now()
        source = locked.status
        locked.status = transition.target
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_changed_at"])
        CertificateEvent.objects.create(
            certificate=locked,
            at=now,
            action=action,
            operation_code=transition.operation,
            from_status=source,
            to_status=transition.target,
            reason=reason,
            actor=principal.user,
            actor_label=principal.label,
        )
        audit.record(
            f"certificate.{action}",
            locked,
            changes={"status": [source, transition.target], "reason": reason},
            actor=principal.actor,
        )
    return locked


def expire_due(today: dt.date | None = None) -> int:
    """Record 过期失效 for every valid certificate past its last day; returns how many."""
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The validity period ended.")
    due = Certificate.objects.filter(status=Status.VALID, valid_to__lt=today).values_list(
        "pk", flat=True
    )
    done = 0
    for pk in list(due[:1000]):
        try:
            change_status(SYSTEM, Certificate(pk=pk), "expire", reason=reason)
        except transitions.IllegalTransition:
            continue  # changed meanwhile
        done += 1
    return done


# ---------------------------------------------------------------- the file


def ensure_file(certificate: Certificate) -> Certificate:
    """The certificate with its signed PDF stored: rendered now unless it already is.

    Rendered and signed outside any lock; stored under the row's lock, once (if someone
    stored it meanwhile, theirs is kept and this rendering dropped)."""
    if certificate.file:
        return certificate
    fresh = Certificate.objects.select_related("cert_type", "previous").get(pk=certificate.pk)
    if fresh.file:
        return fresh
    signed = pdf.signed(fresh, signer())
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update().select_related("cert_type").get(pk=fresh.pk)
        )
        if locked.file:
            return locked
        locked.file.save(f"{locked.identifier}.pdf", ContentFile(signed), save=False)
        locked.file_sha256 = digest
        locked.save(update_fields=["file", "file_sha256"])
    return locked


def pdf_bytes(certificate: Certificate) -> bytes:
    """The stored signed PDF, rendered first if it was not yet."""
    certificate = ensure_file(certificate)
    with certificate.file.open("rb") as stored:
        return stored.read()


# ---------------------------------------------------------------- following the cases


def _follow_ending(case: Case, action: str) -> None:
    certificate = Certificate.objects.filter(case_id=case.pk).first()
    if certificate is None:
        return
    change = CASE_ENDINGS[action]
    if (certificate.status, change) not in transitions.TRANSITIONS:
        return  # already ended (e.g. revoked by a chief before the case was)
    event = newest_event(case, action)
    with translation.override(settings.LANGUAGE_CODE):
        label = str(case_transitions.ACTION_LABELS.get(action, action))
    reason = f"{label}（{case.code}）"
    if event is not None and event.note:
        reason += f"：{event.note}"
    change_status(SYSTEM, certificate, change, reason=reason)


def on_case_acted(sender, case: Case, action: str, source: str = "", **_kwargs) -> None:
    if action == "issue_result" and source == CaseStatus.APPROVED:
        # Kept on the case object for an answer in the same request (``issued_with``).
        case.__dict__["_issued_certificate"] = _issue(case, SYSTEM)
    elif action in CASE_ENDINGS:
        _follow_ending(case, action)


def issued_with(case: Case) -> Certificate | None:
    """The certificate issued by an action on this very case object, if one was."""
    return case.__dict__.get("_issued_certificate")


def connect() -> None:
    hooks.case_acted.connect(on_case_acted, dispatch_uid="certificates.on_case_acted")
