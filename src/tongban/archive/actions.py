"""Filling the archive from the cases, reusing it in new cases, revoking a document.

The archive follows the cases through ``cases.hooks.case_acted`` (inside each case action's
transaction): materials are archived when a case is accepted (the window checked them) or
its deferred materials arrive; a certificate when an approved case's result is issued; a
new application takes what the archive holds (``prefill`` on ``create``).

A reuse goes through the cases app's own ``attach_material``: it checks the caller, the
case's status and guide, the file's type and size, and writes the case history and audit
entry; this module adds the ``ArchiveReuse`` record and its own audit entry.
"""

import io
import logging
import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tongban.cases import hooks, permissions, transitions
from tongban.cases.actions import attach_material
from tongban.cases.models import Case, CaseMaterial, Status
from tongban.cases.queries import newest_event
from tongban.catalog.bundles import material_key
from tongban.catalog.guide import IncompleteAnswers
from tongban.catalog.models import Material
from tongban.core import audit
from tongban.org import policy
from tongban.org.policy import Principal, principal_for_user

from .models import ArchivedDocument, ArchiveReuse
from .services import reason_for, reusable_for, valid_until_for

log = logging.getLogger(__name__)

# Acceptance checked the materials then on file; deferred (容缺) ones are checked on arrival.
ARCHIVING_ACTIONS = {"accept", "accept_tolerant", "accept_on_commitment", "supply_deferred"}
# A draft takes from the archive when started and when its answers change.
PREFILL_ACTIONS = {"create", "edit"}
PREFILL_STATUSES = {Status.DRAFT}
# The issued result stops being valid with these (撤销 / 注销 / 吊销).
ENDING_ACTIONS = {"revoke", "cancel_licence", "withdraw_licence"}


# ---------------------------------------------------------------- filling


def _store(document: ArchivedDocument) -> ArchivedDocument:
    """Save a new document; the newest of its material replaces the others."""
    document.save()
    current = ArchivedDocument.objects.filter(
        applicant_id=document.applicant_id,
        material_key=document.material_key,
        replaced_by__isnull=True,
    ).order_by("-received_at", "-pk")
    newest = current.first()
    if newest is not None:  # none: a receiver renamed it meanwhile (a certificate's type)
        current.exclude(pk=newest.pk).update(replaced_by=newest)
    return document


def archive_materials(case: Case) -> list[ArchivedDocument]:
    """The case's current files, each as an archived document of its applicant (once)."""
    received = CaseMaterial.objects.filter(
        case=case, superseded=False, material__isnull=False
    ).select_related("material")
    created = []
    for item in received:
        key = material_key(item.material.name)
        if ArchivedDocument.objects.filter(
            applicant_id=case.applicant_id, material_key=key, sha256=item.sha256
        ).exists():
            continue  # the same file again (e.g. taken from the archive): validity unchanged
        created.append(
            _store(
                ArchivedDocument(
                    applicant_id=case.applicant_id,
                    kind=ArchivedDocument.Kind.MATERIAL,
                    name=item.material.name,
                    material_key=key,
                    file=item.file.name,
                    sha256=item.sha256,
                    size=item.size,
                    content_type=item.content_type,
                    source_case=case,
                    case_material=item,
                    source_material=item.material,
                    received_at=item.uploaded_at,
                    valid_until=valid_until_for(key, timezone.localdate(item.uploaded_at)),
                )
            )
        )
    return created


def archive_result(case: Case) -> ArchivedDocument | None:
    """The certificate or licence of an approved case whose result was just issued.

    A denial's result is a written refusal, not a certificate: only a case issued from
    ``approved`` counts (the issue event's source status says which)."""
    issued = newest_event(case, "issue_result")
    if issued is None or issued.from_status != Status.APPROVED:
        return None
    existing = ArchivedDocument.objects.filter(
        source_case=case, kind=ArchivedDocument.Kind.RESULT
    ).first()
    if existing is not None:
        return existing
    version = case.item_version
    # The catalog has no result name yet (the e-certificate issue adds one, and files).
    name = getattr(version, "result_name", "") or version.name
    key = material_key(name)
    return _store(
        ArchivedDocument(
            applicant_id=case.applicant_id,
            kind=ArchivedDocument.Kind.RESULT,
            name=name,
            material_key=key,
            source_case=case,
            received_at=issued.at,
            valid_until=valid_until_for(key, timezone.localdate(issued.at)),
        )
    )


# ---------------------------------------------------------------- revoking


def may_revoke(principal: Principal, document: ArchivedDocument) -> bool:
    """Platform administrators, and staff of the agency that decided the source case."""
    if principal.kind != "staff":
        return False
    return (
        principal.is_platform_admin
        or document.source_case.deciding_agency_id in principal.agency_ids()
    )


def revoke(
    principal: Principal | None, document: ArchivedDocument, *, reason: str
) -> ArchivedDocument:
    """Mark a document invalid (a cancelled licence, a forged copy); it is never reused
    again. ``principal`` None: the system, following a case (撤销 / 注销 / 吊销)."""
    if not reason.strip():
        raise ValidationError(_("Say why the document is no longer valid."), code="reason")
    with transaction.atomic():
        document = (
            ArchivedDocument.objects.select_for_update(of=("self",))
            .select_related("source_case")
            .get(pk=document.pk)
        )
        if principal is not None and not may_revoke(principal, document):
            raise PermissionDenied(
                _("Only staff of the deciding agency may revoke an archived document.")
            )
        if document.revoked_at is not None:
            raise ValidationError(_("This document has already been revoked."), code="revoked")
        document.revoked_at = timezone.now()
        document.revoked_reason = reason.strip()
        document.revoked_by = principal.user if principal is not None else None
        document.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        audit.record(
            "archive.revoke",
            document,
            changes={"reason": document.revoked_reason, "applicant": document.applicant_id},
            actor=principal.actor if principal is not None else policy.SYSTEM.actor,
        )
    return document


# ---------------------------------------------------------------- reusing

# The same check as ``attach_material``'s (who may supply materials to the case).
_SUPPLY = transitions.TRANSITIONS[(Status.NEEDS_SUPPLEMENT, "supply")]


def _file_name(document: ArchivedDocument) -> str:
    if document.case_material_id is not None:
        return document.case_material.original_name
    return os.path.basename(document.file.name)


def reuse(
    principal: Principal,
    case: Case,
    material: Material,
    document: ArchivedDocument,
    *,
    on=None,
) -> ArchiveReuse:
    """Attach an archived file to ``case`` for ``material`` and record why."""
    on = on or timezone.localdate()
    with transaction.atomic():
        case = Case.objects.select_related(
            "applicant", "deciding_agency", "item_version", "service_point"
        ).get(pk=case.pk)
        # Who may act first, so a refusal says nothing about the archive.
        policy.require(principal, "cases.view_case", case)
        permissions.ensure_may(principal, case, _SUPPLY)
        document = (
            ArchivedDocument.objects.select_for_update(of=("self",))
            .select_related("source_case", "case_material")
            .get(pk=document.pk)
        )
        if document.applicant_id != case.applicant_id:
            raise ValidationError(
                _("This archived document belongs to another applicant."), code="not_own"
            )
        if not document.valid_on(on):
            raise ValidationError(
                _("“%(name)s” in the archive is no longer valid (expired, replaced or revoked).")
                % {"name": document.name},
                code="not_valid",
            )
        if not document.file:
            raise ValidationError(
                _("“%(name)s” in the archive has no file to reuse.") % {"name": document.name},
                code="no_file",
            )
        if material_key(material.name) != document.material_key:
            raise ValidationError(
                _("The archived “%(document)s” is not the material “%(material)s”.")
                % {"document": document.name, "material": material.name},
                code="other_material",
            )
        with document.file.open("rb") as stored:
            stream = io.BytesIO(stored.read())
        stream.name = _file_name(document)
        received = attach_material(principal, case, material, stream, name=stream.name)
        if received.sha256 != document.sha256:
            # The stored file changed since it was archived: never pass that on.
            raise ValidationError(
                _("The archived file of “%(name)s” does not match its record.")
                % {"name": document.name},
                code="file_changed",
            )
        record = ArchiveReuse.objects.create(
            case=case,
            case_material=received,
            document=document,
            at=received.uploaded_at,
            by=principal.user,
            reason=reason_for(document),
        )
        audit.record(
            "archive.reuse",
            case,
            changes={
                "material": material.name,
                "document": document.pk,
                "sha256": document.sha256,
                "from_case": document.source_case.code or document.source_case_id,
            },
            actor=principal.actor,
        )
    return record


def reuse_all(principal: Principal, case: Case, *, on=None) -> list[ArchiveReuse]:
    """Every missing material of ``case`` the archive holds in a valid form, attached."""
    with transaction.atomic():
        case = Case.objects.select_related("applicant", "item_version").get(pk=case.pk)
        policy.require(principal, "cases.view_case", case)
        try:
            pairs = reusable_for(case, on)
        except IncompleteAnswers as unanswered:
            # Which materials the case needs depends on the answers (情形).
            raise ValidationError(
                _("Answer these questions first: %(questions)s")
                % {"questions": "；".join(q.text for q in unanswered.questions)},
                code="answers",
            ) from None
        return [reuse(principal, case, material, document, on=on) for material, document in pairs]


def prefill(case: Case, on=None) -> list[ArchiveReuse]:
    """A new application takes what the archive holds, acting as whoever started it;
    again when its answers are edited (they decide which materials it needs).

    Runs inside ``start_application``'s (``update_draft``'s) transaction. A document that cannot be taken (its
    file gone, say) is skipped, not fatal: the applicant can still upload it."""
    if case.submitted_by is None or case.status not in PREFILL_STATUSES:
        return []
    principal = principal_for_user(case.submitted_by)
    on = on or timezone.localdate()
    try:
        pairs = reusable_for(case, on)
    except IncompleteAnswers:
        return []  # a counter draft answers later: ``edit`` comes back here
    done = []
    for material, document in pairs:
        try:
            with transaction.atomic():  # a savepoint: a failed reuse leaves no trace
                done.append(reuse(principal, case, material, document, on=on))
        except (ValidationError, PermissionDenied, OSError) as error:
            log.warning(
                "archive: document %s not reused for case %s: %s", document.pk, case.pk, error
            )
    if done:
        # The caller holds this very object: keep its revision current, or its next
        # action with ``revision=case.revision`` would be refused as stale.
        case.revision = Case.objects.filter(pk=case.pk).values_list("revision", flat=True).get()
    return done


# ---------------------------------------------------------------- following the cases


def on_case_acted(sender, case: Case, action: str, **_kwargs) -> None:
    if action in PREFILL_ACTIONS:
        # A new case's creation time is the action's (``cases.actions.as_of`` included).
        prefill(case, timezone.localdate(case.created_at) if action == "create" else None)
    elif action in ARCHIVING_ACTIONS or action == "issue_result" or action in ENDING_ACTIONS:
        # In the background: an acceptance at the window waits for nothing it does not
        # need (archiving read and wrote a row per file, doubling an acceptance's cost).
        from .tasks import follow_case

        follow_case.enqueue(case.pk, action)


def follow(case_id: int, action: str) -> str:
    """What ``on_case_acted`` hands to the background task, in one transaction."""
    with transaction.atomic():
        case = Case.objects.select_related("applicant", "item_version").filter(pk=case_id).first()
        if case is None:
            return "no such case"
        if action in ARCHIVING_ACTIONS:
            return f"archived {len(archive_materials(case))}"
        if action == "issue_result":
            return "certificate archived" if archive_result(case) else "no certificate"
        with translation.override(settings.LANGUAGE_CODE):
            label = str(transitions.ACTION_LABELS.get(action, action))
        ended = ArchivedDocument.objects.filter(
            source_case=case, kind=ArchivedDocument.Kind.RESULT, revoked_at__isnull=True
        )
        for document in ended:
            revoke(None, document, reason=f"{label}（{case.code}）")
        return "revoked"


def connect() -> None:
    hooks.case_acted.connect(on_case_acted, dispatch_uid="archive.on_case_acted")
