"""Applying for a bundle, and the parent following its members.

Every function here is one transaction: the parent row is locked, each member case is
changed through the cases app's own actions (so each keeps its history, audit entries and
deadlines), and the parent is audited too.
"""

import contextlib
import contextvars
import io
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import actions as case_actions
from tongban.cases import hooks
from tongban.cases.models import Case, Status, SupplementRequest
from tongban.catalog import bundles as catalog_bundles
from tongban.catalog.guide import IncompleteAnswers
from tongban.catalog.models import Bundle, BundleItem
from tongban.core import audit, sql
from tongban.core.notifications import Channel as NotificationChannel
from tongban.core.notifications import notify
from tongban.core.pdf import Section, build_document
from tongban.naming.services import REFUSED, check_name
from tongban.org import policy
from tongban.org.models import Applicant, ServicePoint, Window
from tongban.org.policy import Principal
from tongban.workdays import clock

from .models import BundleCase, BundleMember, BundleStatus, Outcome
from .status import MemberState, derive, outcome_after

_MEMBER = sql.Prepared(lambda case_id: BundleMember.objects.filter(case_id=case_id))
# The application an action of this module is changing part by part: its parts' own
# actions do not refresh it each time (the action refreshes it once, at its end).
_following: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar(
    "bundle_following", default=frozenset()
)


def _check_form(bundle: Bundle, form_data: Any) -> dict[str, str]:
    """The one form against the bundle's field list: unknown fields, missing required ones
    and over-long values are refused, all named at once."""
    if not isinstance(form_data, dict):
        raise ValidationError(_("The form data is not valid."), code="form")
    fields = {f["key"]: f for f in bundle.form_fields}
    problems = []
    unknown = sorted(set(form_data) - set(fields))
    if unknown:
        problems.append(_("unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    cleaned = {}
    for key, field in fields.items():
        value = form_data.get(key, "")
        if not isinstance(value, str):
            problems.append(_("%(field)s is not text") % {"field": field.get("label", key)})
            continue
        value = value.strip()
        if field.get("required") and not value:
            problems.append(_("%(field)s is required") % {"field": field.get("label", key)})
        elif len(value) > int(field.get("max_length", 255)):
            problems.append(_("%(field)s is too long") % {"field": field.get("label", key)})
        if value:
            cleaned[key] = value
            problems.extend(_field_check(field, value))
    if problems:
        raise ValidationError(
            _("The form is not complete: %(problems)s.") % {"problems": "; ".join(problems)},
            code="form",
        )
    return cleaned


def _field_check(field: dict, value: str) -> list[str]:
    """A field's own check, named in the bundle's form (``"check": "enterprise_name"``):
    a company name is checked as 名称自主申报 requires before anything is submitted."""
    if field.get("check") != "enterprise_name":
        return []
    result = check_name(value)
    if result.outcome != REFUSED:
        return []
    return [
        f"{field.get('label', field['key'])}：{finding.message}"
        for finding in result.findings
        if finding.severity == REFUSED
    ]


def _form_pdf(bundle: Bundle, form: dict[str, str], applicant: Applicant) -> bytes:
    """The one form as filled, attached to every application form it replaces."""
    lines = [
        f"{field.get('label', field['key'])}：{form.get(field['key'], '')}"
        for field in bundle.form_fields
    ]
    return build_document(
        bundle.name,
        _("The one form (一表填报) — %(applicant)s") % {"applicant": applicant.name},
        [Section(_("Filled in"), lines)],
        _("Filled in online once for every service of the bundle."),
    )


def _mapped(form: dict[str, str], field_map: dict[str, str]) -> dict[str, str]:
    """The item's case form from the one form (一表填报): only mapped fields, cut to size."""
    limits = case_actions.FORM_FIELDS
    return {
        target: form[source][: limits[target]]
        for source, target in field_map.items()
        if source in form and target in limits
    }


def start(
    principal: Principal,
    bundle: Bundle,
    *,
    applicant: Applicant,
    channel: str,
    form_data: dict | None = None,
    answers: dict[str, str] | None = None,
    service_point: ServicePoint | None = None,
    window: Window | None = None,
) -> BundleCase:
    """A draft parent and one draft case per item of the bundle.

    ``answers`` answers the bundle's combined questionnaire (question text → answer text,
    as ``catalog.bundles``): a question several items ask is answered once for all.
    """
    if not bundle.is_active:
        raise ValidationError(_("This bundle cannot be applied for now."), code="not_offered")
    form = _check_form(bundle, form_data or {})
    try:
        guide = catalog_bundles.bundle_guide(bundle, answers or {})
    except IncompleteAnswers as missing:
        raise ValidationError(
            _("Answer every question first: %(questions)s.")
            % {"questions": "、".join(dict.fromkeys(q.text for q in missing.questions))},
            code="answers",
        ) from None
    if not guide.guides:
        raise ValidationError(_("This bundle cannot be applied for now."), code="not_offered")
    entries = {entry.item_id: entry for entry in BundleItem.objects.filter(bundle=bundle)}
    form_pdf = (
        _form_pdf(bundle, form, applicant) if any(e.covers for e in entries.values()) else b""
    )
    now = timezone.now()
    with transaction.atomic(), audit.deferred():
        parent = BundleCase.objects.create(
            bundle=bundle,
            applicant=applicant,
            submitted_by=principal.user,
            form_data=form,
            created_at=now,
        )
        for order, item_guide in enumerate(guide.guides):
            version = item_guide.version
            entry = entries.get(version.item_id)
            case = case_actions.start_application(
                principal,
                version.item,
                applicant=applicant,
                channel=channel,
                answers=[option.pk for option in item_guide.answers],
                form_data=_mapped(form, entry.field_map if entry else {}),
                service_point=service_point,
                window=window,
                part_of=parent.pk,
            )
            BundleMember.objects.create(bundle_case=parent, case=case, order=order)
            covered = set(entry.covers) if entry else set()
            for material in item_guide.materials:
                if material.name in covered:
                    stream = io.BytesIO(form_pdf)
                    case_actions.attach_material(
                        principal, case, material, stream, name=f"{bundle.name}-一表填报.pdf"
                    )
        audit.record("bundle.start", parent, changes={"bundle": bundle.code})
    return parent


_LOCKED = sql.Prepared(
    lambda pk: (
        BundleCase.objects.select_for_update(of=("self",))
        .select_related("bundle", "applicant")
        .filter(pk=pk)
    )
)
_APPLICATION = sql.Prepared(
    lambda pk: BundleCase.objects.select_related("bundle", "applicant").filter(pk=pk)
)


def application(pk: int) -> BundleCase | None:
    """An application with its bundle and applicant (one statement, compiled once)."""
    return _APPLICATION.first(pk) if -(2**63) <= pk < 2**63 else None


def _lock(principal: Principal, parent: BundleCase) -> BundleCase:
    locked = _LOCKED.first(parent.pk)
    if locked is None:
        raise BundleCase.DoesNotExist(f"application {parent.pk} does not exist")
    if not may_view(principal, locked):
        raise PermissionDenied(_("You can only see your own applications."))
    return locked


def may_view(principal: Principal, parent: BundleCase) -> bool:
    """The applicant's side, and staff who may see any of its cases."""
    user = principal.user
    if user is not None and (
        parent.applicant.account_id == user.pk or parent.submitted_by_id == user.pk
    ):
        return True
    if principal.kind == "applicant":
        return False
    return any(
        policy.allows(principal, "cases.view_case", member.case)
        for member in parent.members.select_related("case")
    )


_MEMBERS = sql.Prepared(
    lambda pk: (
        BundleMember.objects.filter(bundle_case_id=pk)
        .select_related("case__item_version", "case__deciding_agency")
        .order_by("order", "pk")
    )
)
_STATES = sql.Prepared(
    lambda pk: BundleMember.objects.filter(bundle_case_id=pk).values(
        "outcome", status=F("case__status"), promised_due=F("case__promised_due")
    )
)


def members(parent: BundleCase) -> list[BundleMember]:
    """The parts, in the bundle's order, with their cases (one statement, compiled once)."""
    return _MEMBERS.rows(parent.pk)


def attach_shared(
    principal: Principal, parent: BundleCase, material_name: str, upload, *, name: str = ""
) -> int:
    """One upload for every part whose guide asks for this material (by its name, as the
    bundle's merged list names it: 营业执照（副本） is 营业执照); a material uploaded once
    serves every part. Returns how many cases received it."""
    name = name or getattr(upload, "name", "") or "file"
    content = upload.read()
    key = catalog_bundles.material_key(material_name)
    attached = 0
    with transaction.atomic(), audit.deferred():
        parent = _lock(principal, parent)
        for member in members(parent):
            case = member.case
            if case.status not in {Status.DRAFT, Status.NEEDS_SUPPLEMENT, Status.SUBMITTED}:
                continue
            for material in case_actions.missing_materials(case):
                if catalog_bundles.material_key(material.name) == key:
                    stream = io.BytesIO(content)
                    stream.name = name
                    case_actions.attach_material(principal, case, material, stream, name=name)
                    attached += 1
        if not attached:
            raise ValidationError(
                _("No part of this application needs “%(name)s” now.") % {"name": material_name},
                code="not_needed",
            )
    return attached


def missing(parent: BundleCase, *, include_deferrable: bool = True) -> list[dict]:
    """The materials still missing, merged as the bundle's guide merges them: each once,
    with the parts it serves."""
    merged: dict[str, dict] = {}
    for member in members(parent):
        for material in case_actions.missing_materials(
            member.case, include_deferrable=include_deferrable
        ):
            entry = merged.setdefault(
                catalog_bundles.material_key(material.name),
                {"material": material.name, "necessity": material.necessity, "parts": []},
            )
            entry["parts"].append(
                {
                    "case_id": member.case_id,
                    "item": member.case.item_version.name,
                    "material_id": material.pk,
                }
            )
    return list(merged.values())


def _due(parent: BundleCase, cases: list[Case], now) -> Any:
    """The bundle's own promise from submission; without one, see ``_refresh``."""
    bundle = parent.bundle
    if not bundle.promised_limit:
        return None
    point = next((c.service_point for c in cases if c.service_point_id), None)
    deadline = clock.compute_deadline(
        start=now,
        limit=bundle.promised_limit,
        unit=clock.WORKING_DAYS,
        calendar=clock.calendar_for(point.region_id if point else None),
        office_hours=clock.office_hours_for(point),
    )
    return deadline.due


def submit(principal: Principal, parent: BundleCase, *, revision: int | None = None) -> BundleCase:
    """Every part submitted at once; the parent gets its code and promise. A part with a
    material missing refuses the whole submission, naming every gap of every part."""
    try:
        return _submit(principal, parent, revision)
    except ValidationError as refused:
        if refused.code != "missing_material":
            raise
        # Named after the rollback, all at once (the parts' own checks stop at the first).
        gaps = missing(parent, include_deferrable=False)
        raise ValidationError(
            _("Materials are missing: %(list)s.")
            % {
                "list": "; ".join(
                    f"{g['material']} ({', '.join(p['item'] for p in g['parts'])})" for g in gaps
                )
            },
            code="incomplete",
        ) from None


def _submit(principal: Principal, parent: BundleCase, revision: int | None) -> BundleCase:
    now = timezone.now()
    with transaction.atomic(), audit.deferred():
        parent = _lock(principal, parent)
        if revision is not None and revision != parent.revision:
            raise case_actions.StaleCase(
                _("Someone else changed this application meanwhile; reload the page."),
                code="stale",
            )
        if parent.status != BundleStatus.DRAFT:
            raise case_actions.transitions.IllegalTransition(
                _("This application has already been submitted.")
            )
        _check_form(parent.bundle, parent.form_data)  # e.g. a name registered meanwhile
        parts = members(parent)
        with _acting_on(parts), case_actions.batch():
            submitted = [case_actions.submit(principal, member.case) for member in parts]
        parent.submitted_at = now
        parent.code = f"YJS{timezone.localdate(now):%Y%m%d}{parent.pk:06d}"
        parent.due = _due(parent, submitted, now)
        parent.revision += 1
        parent.save()
        _refresh(parent)
        audit.record("bundle.submit", parent, changes={"cases": [c.code for c in submitted]})
    return parent


@contextlib.contextmanager
def _acting_on(parts: list[BundleMember]) -> Iterator[None]:
    """The parts' own actions do not refresh the application each time; the caller
    refreshes it once at its end."""
    token = _following.set(frozenset(member.case_id for member in parts))
    try:
        yield
    finally:
        _following.reset(token)


def _refresh(parent: BundleCase) -> None:
    rows = [(r["status"], r["outcome"], r["promised_due"]) for r in _STATES.rows(parent.pk)]
    states = [MemberState(status, outcome) for status, outcome, _due in rows]
    if not parent.bundle.promised_limit and parent.submitted_at is not None:
        # Without a promise of its own, the bundle is due when its last part is: known
        # once every part still being handled has been accepted (its clock started).
        handled = {Outcome.OPEN, Outcome.GRANTED, Outcome.DENIED}
        dues = [due for _status, outcome, due in rows if outcome in handled]
        due = max(dues) if dues and all(dues) else None
        if due != parent.due:
            parent.due = due
            BundleCase.objects.filter(pk=parent.pk).update(due=due)
    status = derive(parent.submitted_at is not None, states)
    if status != parent.status:
        old = parent.status
        parent.status = status
        finished = status in {
            BundleStatus.COMPLETED,
            BundleStatus.REFUSED,
            BundleStatus.WITHDRAWN,
        }
        parent.finished_at = timezone.now() if finished else None
        BundleCase.objects.filter(pk=parent.pk).update(
            status=status, finished_at=parent.finished_at
        )
        audit.record("bundle.status", parent, changes={"status": [old, status]})
        _tell_applicant(parent, old)


def _tell_applicant(parent: BundleCase, old: str) -> None:
    recipient = parent.applicant.account
    if recipient is None or parent.status == BundleStatus.NEEDS_SUPPLEMENT:
        return  # the combined supplement notice says it, with every gap
    if parent.status == BundleStatus.IN_PROGRESS and old == BundleStatus.DRAFT:
        return  # each case tells its own submission; the bundle's has no news
    label = BundleStatus(parent.status).label
    notify(
        recipient,
        str(label),
        _("Your application %(code)s (%(bundle)s): %(status)s.")
        % {"code": parent.code or "", "bundle": parent.bundle.name, "status": label},
    )


def deliver_all(
    principal: Principal,
    parent: BundleCase,
    *,
    recipient_name: str,
    id_checked: bool,
    service_point: ServicePoint | None = None,
) -> list[Case]:
    """The results of all parts handed over together at one window (统一窗口出件)."""
    with transaction.atomic(), audit.deferred():
        parent = _lock(principal, parent)
        parts = members(parent)
        if parent.status != BundleStatus.RESULTS_READY:
            waiting = [m.case.item_version.name for m in parts if m.outcome == Outcome.OPEN]
            raise case_actions.transitions.IllegalTransition(
                _(
                    "The results are handed over together, when every part is decided and "
                    "issued; still open: %(parts)s."
                )
                % {"parts": ", ".join(waiting) or "—"}
            )
        ready = [m.case for m in parts if m.case.status == Status.RESULT_ISSUED]
        with _acting_on(parts), case_actions.batch():
            delivered = [
                case_actions.deliver(
                    principal,
                    case,
                    recipient_name=recipient_name,
                    id_checked=id_checked,
                    service_point=service_point,
                )
                for case in ready
            ]
        _refresh(parent)
        return delivered


# ------------------------------------------------------------------ following the cases


def _member_of(case: Case) -> BundleMember | None:
    if case.part_of is None:
        return None  # not made by an application: no query on the actions of most cases
    cached = case.__dict__.get("_bundle_member", False)
    if cached is False:
        cached = _MEMBER.first(case.pk)
        case.__dict__["_bundle_member"] = cached
    return cached


def application_of(case: Case) -> BundleCase | None:
    """The bundle application a case is a part of, if any."""
    member = _member_of(case)
    return None if member is None else application(member.bundle_case_id)


def filled_form(parent: BundleCase) -> list[tuple[str, str]]:
    """The one form as filled: (label, value) in the bundle's field order."""
    return [
        (field.get("label", field["key"]), parent.form_data.get(field["key"], ""))
        for field in parent.bundle.form_fields
        if parent.form_data.get(field["key"])
    ]


def _combined_notice_handler(case: Case, action: str) -> bool:
    return action == "request_supplement" and _member_of(case) is not None


def on_case_acted(sender, case: Case, action: str, **_kwargs) -> None:
    """A member case changed: its outcome, the parent's status, and for a supplement one
    notice listing every gap of every part (一次性告知, across the bundle)."""
    if case.pk in _following.get():
        return  # a part its application is acting on right now (it refreshes itself)
    member = _member_of(case)
    if member is None:
        return
    outcome = outcome_after(action, case.status, member.outcome)
    if outcome != member.outcome:
        member.outcome = outcome
        BundleMember.objects.filter(pk=member.pk).update(outcome=outcome)
    parent = _LOCKED.first(member.bundle_case_id)
    _refresh(parent)
    if action == "request_supplement":
        _combined_supplement_notice(parent)


def _combined_supplement_notice(parent: BundleCase) -> None:
    recipient = parent.applicant.account
    if recipient is None:
        return
    lines = []
    open_requests = (
        SupplementRequest.objects.filter(
            case__in=parent.members.values("case"),
            case__status=Status.NEEDS_SUPPLEMENT,
            answered_at__isnull=True,
        )
        .select_related("case__item_version")
        .prefetch_related("materials")
        .order_by("case_id", "requested_at")
    )
    for request in open_requests:
        part = request.case.item_version.name
        for material in request.materials.all():
            problem = request.problems.get(str(material.pk), "")
            lines.append(f"- {part}：{material.name}" + (f"（{problem}）" if problem else ""))
        for condition in request.conditions:
            lines.append(f"- {part}：{condition}")
        if request.note:
            lines.append(f"- {part}：{request.note}")
    body = _(
        "Your application %(code)s (%(bundle)s) needs a supplement. Everything that is "
        "missing, for all its parts:"
    ) % {"code": parent.code or "", "bundle": parent.bundle.name}
    channels = [NotificationChannel.INBOX]
    if parent.applicant.phone:
        channels.append(NotificationChannel.SMS)
    notify(recipient, _("Supplement requested"), body + "\n" + "\n".join(lines), channels=channels)


def connect() -> None:
    hooks.case_acted.connect(on_case_acted, dispatch_uid="bundles.on_case_acted")
    hooks.register_notice_handler(_combined_notice_handler)
