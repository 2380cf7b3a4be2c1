"""Changes to credit records: imports, staff entries, repairs, and the platform's own
records when an applicant breaks a commitment. Each is one transaction, audited."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.core import audit
from tongban.org.models import Applicant
from tongban.org.policy import Principal

from . import importing, services
from .models import CreditRecord, ImportRun, Kind, Source

logger = logging.getLogger("tongban.credit")


def _require_manager(principal: Principal) -> None:
    """Imports, entries and repairs: the bureau's section chiefs and administrators."""
    from tongban.org.models import StaffRole

    if principal.kind == "system" or principal.is_platform_admin:
        return
    if principal.kind == "staff" and principal.has_role(StaffRole.SECTION_CHIEF):
        return
    raise PermissionDenied(_("Credit records are kept by section chiefs and administrators."))


def _applicant_for(subject: str) -> Applicant | None:
    subject = services.normalize(subject)
    if services.is_resident_id(subject):
        return Applicant.find_by_id_number(subject)
    return Applicant.objects.filter(credit_code=subject).first()


def import_rows(
    principal: Principal,
    rows: Iterable[importing.RecordRow],
    *,
    source: str,
    file_name: str = "",
) -> ImportRun:
    """Add or update (by the source's identifier) every row, in one transaction."""
    _require_manager(principal)
    now = timezone.now()
    rows = list(rows)
    with transaction.atomic():
        run = ImportRun.objects.create(
            at=now, source=source, by=principal.user, file_name=file_name[:255]
        )
        for row in rows:
            values = {
                "subject_index": services.subject_index(row.subject),
                "subject_masked": services.mask(row.subject),
                "subject_name": row.name,
                "applicant": _applicant_for(row.subject),
                "kind": row.kind,
                "title": row.title,
                "authority": row.authority,
                "decided_on": row.decided_on,
                "valid_until": row.valid_until,
                "repaired_on": row.repaired_on,
            }
            existing = None
            if row.external_id:
                existing = (
                    CreditRecord.objects.select_for_update()
                    .filter(source=source, external_id=row.external_id)
                    .first()
                )
            if existing is None:
                CreditRecord.objects.create(
                    **values,
                    source=source,
                    external_id=row.external_id,
                    recorded_at=now,
                    recorded_by=principal.user,
                )
                run.created += 1
            else:
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.save()
                run.updated += 1
        run.save(update_fields=["created", "updated"])
        audit.record(
            "credit.import",
            run,
            changes={"created": run.created, "updated": run.updated, "file": file_name},
            actor=principal.actor,
        )
    return run


def import_file(principal: Principal, data: bytes, file_name: str = "") -> ImportRun:
    """A file from the city credit database: all its records, or none (with every error)."""
    _require_manager(principal)
    rows = importing.parse_file(data, file_name)
    return import_rows(principal, rows, source=Source.FILE, file_name=file_name)


def sync(principal: Principal) -> ImportRun | None:
    """Fetch what changed at the city credit database since the last fetch (periodic)."""
    database = importing.credit_database()
    if database is None:
        return None
    last = ImportRun.objects.filter(source=Source.CITY_DATABASE).order_by("-at").first()
    raw = database.fetch(last.at if last else None)
    rows = importing.parse_rows(raw)
    return import_rows(principal, rows, source=Source.CITY_DATABASE)


def record(
    principal: Principal,
    *,
    applicant: Applicant,
    kind: str,
    title: str,
    authority: str,
    decided_on: dt.date,
    valid_until: dt.date | None = None,
    case: Case | None = None,
    source: str = Source.MANUAL,
) -> CreditRecord:
    """One record about an applicant, entered by staff or by the platform."""
    if source != Source.PLATFORM:
        _require_manager(principal)
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of credit record."), code="kind")
    if not title.strip() or not authority.strip():
        raise ValidationError(
            _("Say what happened and which authority decided it."), code="required"
        )
    if decided_on > timezone.localdate():
        raise ValidationError(_("The decision date cannot be in the future."), code="date")
    if valid_until is not None and valid_until < decided_on:
        raise ValidationError(_("A record cannot end before it was decided."), code="date")
    with transaction.atomic():
        entry = CreditRecord.objects.create(
            subject_index=services.applicant_index(applicant),
            subject_masked=applicant.identifier_display,
            subject_name=applicant.name,
            applicant=applicant,
            kind=kind,
            title=title.strip()[:500],
            authority=authority.strip()[:200],
            decided_on=decided_on,
            valid_until=valid_until,
            source=source,
            case=case,
            recorded_at=timezone.now(),
            recorded_by=principal.user,
        )
        audit.record(
            "credit.record",
            entry,
            changes={"kind": kind, "case": case.code if case else None},
            actor=principal.actor,
        )
    return entry


def repair(principal: Principal, entry: CreditRecord, *, on: dt.date, note: str) -> CreditRecord:
    """信用修复: the record stops counting from ``on``; the record itself is kept."""
    _require_manager(principal)
    if not note.strip():
        raise ValidationError(_("Say how the credit was repaired."), code="note")
    if on > timezone.localdate() or on < entry.decided_on:
        raise ValidationError(
            _("The repair date must be between the decision and today."), code="date"
        )
    with transaction.atomic():
        entry = CreditRecord.objects.select_for_update().get(pk=entry.pk)
        if entry.repaired_on is not None:
            raise ValidationError(_("This record was repaired already."), code="repaired")
        entry.repaired_on = on
        entry.save(update_fields=["repaired_on"])
        audit.record(
            "credit.repair",
            entry,
            changes={"repaired_on": [None, on.isoformat()], "note": note.strip()},
            actor=principal.actor,
        )
    return entry
