"""Every change to a case: one function per action, the same for the UI and the API.

Each action runs in one transaction with the case row locked, asks the transition table
(``transitions``) and the policy, appends a ``CaseEvent`` and an audit entry, recomputes the
clocks and enqueues the applicant's notification in that same transaction. A form sent
from an out-of-date page (``revision``) is refused with a clear message instead of
silently acting on a case someone else just changed.
"""

import contextlib
import contextvars
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.catalog.actions import current_version
from tongban.catalog.guide import Guide, guide_for, published_version, version_parts
from tongban.catalog.models import Item, ItemVersion, Material, ReviewStep
from tongban.core import audit, sql, task_backend
from tongban.core.notifications import Channel as NotificationChannel
from tongban.core.notifications import notify
from tongban.org import policy
from tongban.org.models import Agency, Applicant, ServicePoint, Window
from tongban.org.policy import SYSTEM, Principal

from . import deadlines, hooks, numbering, transitions
from .files import check_upload
from .models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Channel,
    Commitment,
    Handover,
    RefusalRequest,
    Status,
    SupplementRequest,
)
from .permissions import ensure_may
from .queries import chiefs_of
from .reach import check_reach, deciding_agency_for
from .steps import StepSpec, case_steps, decision_index

_PHONE_CHARACTERS = re.compile(r"[0-9 ()+\-]+")
FORM_FIELDS = {
    "contact_name": 100,
    "contact_phone": 20,
    "address": 255,
    "description": 2000,
}


ONLINE_DEPTH_FOR_APPLYING = 3  # 网办深度 Ⅲ: the application itself is made online


def may_apply_online(version: ItemVersion) -> bool:
    return version.online_depth >= ONLINE_DEPTH_FOR_APPLYING


class StaleCase(ValidationError):
    """The case changed since the page was loaded (HTTP 409)."""


# ---------------------------------------------------------------- helpers


_as_of: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)


# Set by ``batch()``: the actions run inside a caller's transaction that fails as a whole.
_batched: contextvars.ContextVar[bool] = contextvars.ContextVar("cases_batched", default=False)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Several actions in one transaction of the caller's that fails as a whole (a bundle's
    parts submitted together): each action then opens no savepoint of its own — two round
    trips fewer per action — since a failure of one aborts them all anyway."""
    token = _batched.set(True)
    try:
        yield
    finally:
        _batched.reset(token)


@contextlib.contextmanager
def _transaction() -> Iterator[None]:
    # The action's tasks are written in one statement at its end, inside its transaction.
    with transaction.atomic(savepoint=not _batched.get()), task_backend.enqueued_together():
        yield


def _now() -> dt.datetime:
    return _as_of.get() or timezone.now()


@contextlib.contextmanager
def as_of(moment: dt.datetime) -> Iterator[None]:
    """Act as at ``moment``: for loading history (a legacy import, the demo city)."""
    token = _as_of.set(moment)
    try:
        yield
    finally:
        _as_of.reset(token)


# Every action starts here: compiled once per process (see ``core.sql``). The applicant,
# deciding agency and service point come with the row; the item version (wide, and
# immutable once published) is kept per process once read.
_LOCKED = sql.Prepared(
    lambda pk: (
        Case.objects.select_for_update(of=("self",))
        .select_related(
            "item", "deciding_agency", "service_point", "applicant__account", "commitment"
        )
        .filter(pk=pk)
    )
)
_VERSION = sql.Prepared(lambda pk: ItemVersion.objects.filter(pk=pk))


def _lock(principal: Principal, case: Case, revision: int | None) -> Case:
    """The case's row, locked until commit; refused unless ``principal`` may see the case
    (checked first, so a refusal says nothing about the case's status)."""
    locked = _LOCKED.first(case.pk) if -(2**63) <= case.pk < 2**63 else None
    if locked is None:
        raise Case.DoesNotExist(f"case {case.pk} does not exist")
    locked.item_version = published_version(locked.item_version_id, _VERSION.first)
    policy.require(principal, "cases.view_case", locked)
    if revision is not None and revision != locked.revision:
        last = locked.events.order_by("-at", "-pk").first()
        raise StaleCase(
            _(
                "Someone else changed this case meanwhile (%(what)s by %(who)s); "
                "it is now “%(status)s”. Reload the page and check before acting."
            )
            % {
                "what": transitions.ACTION_LABELS.get(last.action, last.action) if last else "",
                "who": last.actor_label if last else "",
                "status": Status(locked.status).label,
            },
            code="stale",
        )
    locked._loaded = _columns(locked)
    return locked


def _columns(case: Case) -> dict[str, Any]:
    return {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields}


def snapshot(case: Case) -> dict[str, Any]:
    """The case's columns and pending side effects, to undo in memory what a rolled-back
    savepoint undid in the database (a submit handler that failed half-way)."""
    return {
        "columns": _columns(case),
        "loaded": dict(case.__dict__.get("_loaded") or {}),
        "audit": list(case.__dict__.get("_pending_audit", [])),
        "hooks": list(case.__dict__.get("_pending_hooks", [])),
        "events": list(case.__dict__.get("_pending_events", [])),
    }


def restore(case: Case, saved: dict[str, Any]) -> None:
    for name, value in saved["columns"].items():
        setattr(case, name, value)
    case._loaded = saved["loaded"]
    case.__dict__["_pending_audit"] = saved["audit"]
    case.__dict__["_pending_hooks"] = saved["hooks"]
    case.__dict__["_pending_events"] = saved["events"]


def _applicant_user(case: Case):
    return case.applicant.account


def _record(
    principal: Principal,
    case: Case,
    action: str,
    *,
    source: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    now: dt.datetime,
    tell_applicant: bool = True,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        at=now,
        action=action,
        from_status=source,
        to_status=case.status,
        actor=principal.user,
        actor_label=principal.label,
        note=note,
        data=data or {},
        public=public,
    )
    # Written with the action's other events by ``_flush_audit``, before the other apps
    # hear of them: one statement per action, not one per event.
    case.__dict__.setdefault("_pending_events", []).append(event)
    # Appended last, just before commit (``_flush_audit``): the audit chain's head row is
    # locked from the append to the commit, so the shorter that span the more actions/s.
    pending = case.__dict__.setdefault("_pending_audit", [])
    pending.append(
        (f"case.{action}", {"status": [source, case.status], **(data or {})}, principal.actor)
    )
    case.__dict__.setdefault("_pending_hooks", []).append((action, source))
    recipient = _applicant_user(case)
    if (
        tell_applicant
        and public
        and recipient is not None
        and recipient != principal.user
        and not hooks.notice_handled_elsewhere(case, action)
    ):
        label = transitions.ACTION_LABELS.get(action, action)
        body = _("Your case %(code)s (%(item)s): %(what)s.") % {
            "code": case.code or "",
            "item": case.item_version.name,
            "what": label,
        }
        if note:
            body += "\n" + note
        channels = [NotificationChannel.INBOX]
        if case.applicant.phone:
            channels.append(NotificationChannel.SMS)
        notify(recipient, str(label), body, channels=channels)
    return event


def _move(
    principal: Principal,
    case: Case,
    action: str,
    *,
    now: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
) -> CaseEvent:
    transition = transitions.require(case.status, action)
    ensure_may(principal, case, transition)
    source = case.status
    case.status = transition.target
    return _record(
        principal, case, action, source=source, note=note, data=data, public=public, now=now
    )


def _flush_audit(case: Case) -> None:
    """The audit entries, then the other apps' reactions (``hooks.case_acted``); appended
    to the chain in one statement at the end, with the action's tasks riding along.

    A case started and submitted in one action writes its creation's event with its
    submission's (the creation's receivers read no history)."""
    if not (case.status == Status.DRAFT and submitted_at_once(case)):
        sql.insert_many(case.__dict__.pop("_pending_events", []))
    with audit.deferred(riders=task_backend.rows_to_write):
        for action, changes, actor in case.__dict__.pop("_pending_audit", []):
            audit.record(action, case, changes=changes, actor=actor)
        for action, source in case.__dict__.pop("_pending_hooks", []):
            hooks.case_acted.send(sender=Case, case=case, action=action, source=source)


def _save(case: Case, now: dt.datetime) -> None:
    deadlines.recompute(case, now)
    case.revision += 1  # the row is locked (``_lock``): no one else bumps it meanwhile
    loaded = case.__dict__.get("_loaded")
    if loaded is None:
        case.save()
    elif not submitted_at_once(case):  # that one's row is written once, at its end
        _write_changes(case, loaded)
    _flush_audit(case)


def _write_changes(case: Case, loaded: dict[str, Any]) -> None:
    """Write only what the action changed."""
    changed = [name for name, value in _columns(case).items() if loaded[name] != value]
    sql.update(case, changed)
    case._loaded = _columns(case)


def _guide_of(case: Case) -> Guide:
    """The case's guide, computed once per action (the case row is fetched per action)."""
    key = (case.item_version_id, tuple(case.answers))
    cached = getattr(case, "_guide_cache", None)
    if cached is None or cached[0] != key:
        cached = (key, _guide(case.item_version, case.answers))
        case._guide_cache = cached
    return cached[1]


def _guide(version: ItemVersion, answers: list[int]) -> Guide:
    return guide_for(version, answers, strict=True)


def _check_answers(version: ItemVersion, answers: Iterable[Any]) -> list[int]:
    """Every question answered once, with an answer of this version (tampering refused)."""
    try:
        ids = [int(a) for a in answers]
    except (TypeError, ValueError):
        raise ValidationError(_("The situation answers are not valid."), code="answers") from None
    questions, _materials = version_parts(version)
    owner = {option.pk: q.pk for q in questions for option in q.options.all()}
    unknown = [a for a in ids if a not in owner]
    if unknown:
        raise ValidationError(_("Some answers do not belong to this item's guide."), code="answers")
    chosen = [owner[a] for a in ids]
    if len(chosen) != len(set(chosen)):
        raise ValidationError(_("Each question takes one answer."), code="answers")
    missing = [q.text for q in questions if q.pk not in chosen]
    if missing:
        raise ValidationError(
            _("Answer these questions first: %(questions)s") % {"questions": "；".join(missing)},
            code="answers",
        )
    return ids


def _check_form(form_data: Any) -> dict[str, str]:
    if not isinstance(form_data, dict):
        raise ValidationError(_("The form data is not valid."), code="form")
    unknown = sorted(set(form_data) - set(FORM_FIELDS))
    if unknown:
        raise ValidationError(
            _("The form has fields that do not exist: %(fields)s")
            % {"fields": ", ".join(map(str, unknown))},
            code="form",
        )
    cleaned = {}
    for key, value in form_data.items():
        if not isinstance(value, str) or len(value) > FORM_FIELDS[key]:
            raise ValidationError(
                _("The form field %(field)s is not valid.") % {"field": key}, code="form"
            )
        cleaned[key] = value.strip()
    phone = cleaned.get("contact_phone", "")
    if phone and not _looks_like_a_phone_number(phone):
        raise ValidationError(
            _(
                "The contact phone “%(phone)s” is not a telephone number: give a mobile "
                "number such as 13805341958, or a landline such as 0534-2688888."
            )
            % {"phone": phone},
            code="form",
        )
    return cleaned


def _looks_like_a_phone_number(value: str) -> bool:
    """Lenient on purpose (mobiles, landlines with area code or extension, +86): it
    refuses letters and fragments, which leave the clerk no way to call back."""
    digits = sum(c.isdigit() for c in value)
    return _PHONE_CHARACTERS.fullmatch(value) is not None and 7 <= digits <= 15


def _check_window(window: Window | None, agency: Agency) -> None:
    if window is None:
        return
    if window.kind == Window.Kind.SPECIALISED and not window.agencies.filter(pk=agency.pk).exists():
        raise ValidationError(
            _("Window %(number)s does not accept this agency's items.") % {"number": window.number},
            code="window",
        )
    if window.kind in {Window.Kind.RESULT_PICKUP, Window.Kind.FIND_FAULT}:
        raise ValidationError(
            _("Window %(number)s does not accept applications.") % {"number": window.number},
            code="window",
        )


def _next_code(case: Case, now: dt.datetime) -> str:
    day = timezone.localdate(now)
    prefix = case.item.impl_code
    return f"{prefix}{day:%Y%m%d}{numbering.next_number(prefix, day):04d}"


# Every file of the case with its catalog entry, each row also saying whether the case has
# supplement requests and refusals: what an action checks, and all the lists an answer
# through the API reads besides (``cases.api``), in one statement.
_MATERIALS_READ = sql.Prepared(
    lambda pk, supplements_of, refusals_of: (
        CaseMaterial.objects.filter(case_id=pk)
        .select_related("material")
        .annotate(
            has_supplements=Exists(SupplementRequest.objects.filter(case_id=supplements_of)),
            has_refusals=Exists(RefusalRequest.objects.filter(case_id=refusals_of)),
        )
    ),
    arity=3,
)


def case_materials(case: Case) -> list[CaseMaterial]:
    """Every file of the case, superseded ones included, in their model's order; the
    rows read are kept on ``case`` for an answer that shows them (see ``cases.api``)."""
    rows = _MATERIALS_READ.rows(case.pk, case.pk, case.pk)
    case.__dict__["_materials_read"] = rows
    return rows


def received_materials(case: Case, *, as_read: bool = False) -> dict[int, CaseMaterial]:
    """``as_read``: the files this case object read last, when it read them."""
    rows = case.__dict__.get("_materials_read") if as_read else None
    return {
        m.material_id: m
        for m in (case_materials(case) if rows is None else rows)
        if not m.superseded and m.material_id is not None
    }


def confirmed_materials(case: Case, *, as_read: bool = False) -> set[int]:
    """The guide's materials a data source confirmed for this case (三减一优): not asked.
    ``as_read``: what this case object was told last, when it asked."""
    kept = case.__dict__.get("_confirmed_read") if as_read else None
    if kept is not None:
        return kept
    candidates = [m for m in _guide_of(case).materials if m.shared_source]
    confirmed = hooks.confirmed_materials(case, candidates) if candidates else set()
    case.__dict__["_confirmed_read"] = confirmed
    return confirmed


def is_asked(material: Material, confirmed: set[int]) -> bool:
    """Whether the applicant must hand ``material`` in: one naming a data source is asked
    for until that source confirms it; one merely marked verifiable is checked by staff."""
    if material.shared_source:
        return material.pk not in confirmed
    return not material.verifiable


def missing_materials(
    case: Case, *, include_deferrable: bool = True, as_read: bool = False
) -> list[Material]:
    """Required materials of the case's guide with no file yet and not confirmed from data.
    ``as_read``: from the files and confirmations this case object read last (a submit
    handler checking again what ``submit`` checked a moment before, in its transaction)."""
    guide = _guide_of(case)
    received = received_materials(case, as_read=as_read)
    confirmed = confirmed_materials(case, as_read=as_read)
    committed = committed_materials(case)
    missing = []
    for material in guide.materials:
        if not is_asked(material, confirmed) or material.pk in received or material.pk in committed:
            continue
        if material.necessity == Material.Necessity.REQUIRED or (
            include_deferrable and material.necessity == Material.Necessity.DEFERRABLE
        ):
            missing.append(material)
    return missing


def _require_complete(
    case: Case, *, include_deferrable: bool = True, as_read: bool = False
) -> None:
    missing = missing_materials(case, include_deferrable=include_deferrable, as_read=as_read)
    if missing:
        raise ValidationError(
            _("Required materials are missing: %(names)s")
            % {"names": "；".join(m.name for m in missing)},
            code="missing_material",
        )


def _require_open_to_applicant(case: Case, action: str) -> None:
    """容缺 and 告知承诺 are not for everyone (a black-listed applicant: ``hooks``)."""
    reason = hooks.acceptance_refusal(case, action)
    if reason:
        raise ValidationError(reason, code="not_for_applicant")


def _enter_step(case: Case, steps: list[StepSpec], index: int, now: dt.datetime) -> None:
    step = steps[index]
    case.step_index = index
    case.step_kind = step.kind
    case.step_role = step.role
    case.step_agency_id = step.agency_id or case.deciding_agency_id
    case.step_started_at = now
    case.step_warned_level = ""  # a new step: its own warnings, when its time runs short
    case.assignee = None


def _require_delay_reason(case: Case, now: dt.datetime, reason: str) -> None:
    """Past the deadline nothing moves on silently: a reason is recorded and shown."""
    if not deadlines.is_overdue(case, now):
        return
    if reason.strip():
        case.overdue_reason = reason.strip()
    elif not case.overdue_reason:
        raise ValidationError(
            _("The case is past its deadline: record the reason for the delay first."),
            code="overdue_reason",
        )


# ---------------------------------------------------------------- applying


def start_application(
    principal: Principal,
    item: Item,
    *,
    applicant: Applicant,
    channel: str,
    answers: Iterable[Any] = (),
    form_data: dict | None = None,
    service_point: ServicePoint | None = None,
    window: Window | None = None,
    part_of: int | None = None,
) -> Case:
    """A draft case under the version in force today; ``part_of``: see ``Case.part_of``."""
    now = _now()
    version = current_version(item, timezone.localdate(now))
    if version is None:
        raise ValidationError(_("This item cannot be applied for now."), code="not_offered")
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."), code="channel")
    if principal.kind == "applicant":
        # An applicant account files only for itself, and only online.
        if applicant.account_id != principal.user.pk:
            raise PermissionDenied(_("Applicants apply for themselves."))
        if channel not in {Channel.PORTAL, Channel.MOBILE}:
            raise ValidationError(
                _("Applicants apply online through the portal or the mobile app."),
                code="channel",
            )
    if channel in {Channel.PORTAL, Channel.MOBILE} and not may_apply_online(version):
        raise ValidationError(
            _("This item cannot be applied for online; apply at a service point."),
            code="not_online",
        )
    # The region's id: its chain up is kept per process (no read of the region itself).
    region = service_point.region_id if service_point else applicant.region_id
    agency = deciding_agency_for(item, region, timezone.localdate(now))
    case = Case(
        created_at=now,
        item=item,
        item_version=version,
        applicant=applicant,
        submitted_by=principal.user,
        channel=channel,
        case_type=version.case_type,
        deciding_agency=agency,
        service_point=service_point,
        window=window,
        window_kind=window.kind if window else "",
        form_data=_check_form(form_data or {}),
        part_of=part_of,
    )
    ensure_may(principal, case, transitions.TRANSITIONS[(Status.DRAFT, "submit")])
    if service_point is not None:
        check_reach(version, agency, service_point)
        _check_window(window, agency)
    answers = list(answers)
    if answers:
        case.answers = _check_answers(version, answers)
    with _transaction(), _inserting() as inserted:
        case.on_behalf = principal.user is None or principal.user != applicant.account
        sql.insert(case)  # one INSERT compiled once (no signals are listened to on cases)
        inserted.add(case.pk)
        _record(principal, case, "create", source="", now=now, public=False)
        _flush_audit(case)
    return case


# The cases inserted by the action running now (``start_application``, and all of
# ``start_and_submit``): nothing else refers to their rows yet.
_inserted: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "cases_inserted", default=None
)


@contextlib.contextmanager
def _inserting() -> Iterator[set[int]]:
    kept = _inserted.get()
    if kept is not None:
        yield kept
        return
    token = _inserted.set(set())
    try:
        yield _inserted.get()
    finally:
        _inserted.reset(token)


# Set by ``start_and_submit`` while it runs: the case it starts is submitted in it.
_at_once: contextvars.ContextVar[bool] = contextvars.ContextVar("cases_at_once", default=False)


def submitted_at_once(case: Case) -> bool:
    """Whether ``case`` is being started and submitted in the one action running now (an
    instant application): what its creation asks, its submission may use."""
    return _at_once.get() and is_new(case)


def is_new(case: Case) -> bool:
    """Whether the action running now inserted this case: nothing else can refer to its
    row yet (no certificate, no verification made by another request)."""
    kept = _inserted.get()
    return kept is not None and case.pk in kept


def update_draft(
    principal: Principal,
    case: Case,
    *,
    answers: Iterable[Any] | None = None,
    form_data: dict | None = None,
    revision: int | None = None,
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        if case.status not in {Status.DRAFT, Status.NEEDS_SUPPLEMENT}:
            raise transitions.IllegalTransition(
                _("Only a draft or a case awaiting a supplement can be edited.")
            )
        ensure_may(principal, case, transitions.TRANSITIONS[(Status.DRAFT, "submit")])
        changes = {}
        if answers is not None:
            case.answers = _check_answers(case.item_version, answers)
            changes["answers"] = case.answers
        if form_data is not None:
            case.form_data = _check_form(form_data)
            changes["form"] = sorted(case.form_data)
        _record(principal, case, "edit", source=case.status, data=changes, now=now, public=False)
        _save(case, now)
    return case


def attach_material(
    principal: Principal,
    case: Case,
    material: Material,
    upload,
    *,
    name: str | None = None,
    revision: int | None = None,
) -> CaseMaterial:
    """Receive a file for a material of the case's own guide (scan or upload)."""
    now = _now()
    name = name or getattr(upload, "name", "") or "file"
    checked = check_upload(upload, name)
    with _transaction():
        case = _lock(principal, case, revision)
        if case.status not in {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.NEEDS_SUPPLEMENT,
            Status.ACCEPTED_TOLERANT,
        }:
            raise transitions.IllegalTransition(_("Materials can no longer be added to this case."))
        ensure_may(principal, case, transitions.TRANSITIONS[(Status.NEEDS_SUPPLEMENT, "supply")])
        guide = _guide_of(case)
        if material.pk not in {m.pk for m in guide.materials}:
            raise ValidationError(
                _("“%(name)s” is not a material of this case's guide.") % {"name": material.name},
                code="not_in_guide",
            )
        case.materials.filter(material=material, superseded=False).update(superseded=True)
        received = CaseMaterial(
            case=case,
            material=material,
            original_name=name[:255],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_at=now,
            uploaded_by=principal.user,
        )
        received.file.save(
            f"{checked.sha256}.{checked.extension}", ContentFile(checked.content), save=False
        )
        received.save()
        _record(
            principal,
            case,
            "upload",
            source=case.status,
            data={"material": material.name, "sha256": checked.sha256},
            now=now,
            public=False,
        )
        _save(case, now)
    return received


def submit(principal: Principal, case: Case, *, revision: int | None = None) -> Case:
    now = _now()
    with _transaction():
        return _submit(principal, _lock(principal, case, revision), now)


def start_and_submit(principal: Principal, item: Item, **start: Any) -> Case:
    """:func:`start_application` and :func:`submit` as one action (an instant application
    from a phone: the draft is never shown). The case row is not read back to be locked:
    this transaction inserted it, and no one else sees it before the commit; for the same
    reason its row is updated once, at the end, with what the submission and the submit
    handlers (an instant decision) changed."""
    token = _at_once.set(True)
    try:
        with _transaction(), _inserting():
            case = start_application(principal, item, **start)
            case._loaded = _columns(case)
            _submit(principal, case, _now())
            _write_changes(case, case._loaded)
            return case
    finally:
        _at_once.reset(token)


def _submit(principal: Principal, case: Case, now: dt.datetime) -> Case:
    transitions.require(case.status, "submit")
    case.answers = _check_answers(case.item_version, case.answers)
    if case.online:
        # Online the page can list what is missing before sending; at a window the
        # application is received as it is (收件) and the clerk tells every gap at
        # once (补正) or accepts — Art. 32.
        _require_complete(case, include_deferrable=False)
    case.code = _next_code(case, now)
    case.submitted_at = now
    _move(principal, case, "submit", now=now)
    _save(case, now)
    hooks.submitted(case)
    return case


# ---------------------------------------------------------------- acceptance


def request_supplement(
    principal: Principal,
    case: Case,
    *,
    materials: Iterable[Material] = (),
    problems: dict[int, str] | None = None,
    conditions: Iterable[str] = (),
    note: str = "",
    revision: int | None = None,
) -> SupplementRequest:
    """One notice with every gap (补正). Only the case's own guide may be cited."""
    now = _now()
    materials = list(materials)
    conditions = [c.strip() for c in conditions if c.strip()]
    problems = {int(k): str(v).strip() for k, v in (problems or {}).items() if str(v).strip()}
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "request_supplement")
        guide = _guide_of(case)
        allowed = {m.pk for m in guide.materials}
        outside = [m.name for m in materials if m.pk not in allowed]
        if outside:
            raise ValidationError(
                _(
                    "Not in this case's guide, so it cannot be asked for: %(names)s. "
                    "The published guide binds the staff."
                )
                % {"names": "；".join(outside)},
                code="beyond_guide",
            )
        allowed_conditions = set(allowed_condition_texts(guide))
        extra = [c for c in conditions if c not in allowed_conditions]
        if extra:
            raise ValidationError(
                _(
                    "Not a condition of this case's guide, so it cannot be required: "
                    "%(names)s. The published guide binds the staff."
                )
                % {"names": "；".join(extra)},
                code="beyond_guide",
            )
        if not materials and not conditions:
            raise ValidationError(
                _("Name at least one material or condition that needs correcting."),
                code="empty",
            )
        if set(problems) - {m.pk for m in materials}:
            raise ValidationError(_("A problem was given for a material not listed."), code="form")
        request = SupplementRequest.objects.create(
            case=case,
            stage=SupplementRequest.Stage.BEFORE_ACCEPTANCE,
            problems={str(k): v for k, v in problems.items()},
            conditions=conditions,
            note=note.strip(),
            requested_at=now,
            requested_by=principal.user,
        )
        request.materials.set(materials)
        case.has_pauses = True
        CasePause.objects.create(case=case, kind=CasePause.Kind.SUPPLEMENT, started_at=now)
        lines = [
            f"- {m.name}" + (f"：{problems[m.pk]}" if m.pk in problems else "") for m in materials
        ]
        lines += [f"- {c}" for c in conditions]
        _move(
            principal,
            case,
            "request_supplement",
            now=now,
            note="\n".join(lines + ([note.strip()] if note.strip() else [])),
            data={"materials": [m.pk for m in materials], "conditions": conditions},
        )
        _save(case, now)
    return request


def allowed_condition_texts(guide: Guide) -> list[str]:
    """The conditions a supplement notice may cite: one per line of the guide's conditions."""
    texts = []
    for block in guide.conditions:
        texts += [line.strip() for line in block.splitlines() if line.strip()]
    return texts


def _close_pauses(case: Case, kind: str, now: dt.datetime) -> None:
    if not case.has_pauses:
        return
    case.pauses.filter(kind=kind, ended_at__isnull=True).update(ended_at=now)


def supply(principal: Principal, case: Case, *, revision: int | None = None) -> Case:
    """The applicant has supplied what the notice asked for: back to acceptance review."""
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "supply")
        request = case.supplements.filter(answered_at__isnull=True).last()
        if request is not None:
            received = {
                m.material_id
                for m in case.materials.filter(
                    superseded=False, uploaded_at__gte=request.requested_at
                )
            }
            still = [m.name for m in request.materials.all() if m.pk not in received]
            if still:
                raise ValidationError(
                    _("Still missing from the supplement notice: %(names)s")
                    % {"names": "；".join(still)},
                    code="missing_material",
                )
            request.answered_at = now
            request.save(update_fields=["answered_at"])
        _close_pauses(case, CasePause.Kind.SUPPLEMENT, now)
        _move(principal, case, "supply", now=now)
        _save(case, now)
    return case


def _start_clock(
    principal: Principal,
    case: Case,
    now: dt.datetime,
    service_point: ServicePoint | None,
    window: Window | None,
) -> None:
    if service_point is not None:
        check_reach(case.item_version, case.deciding_agency, service_point)
        _check_window(window, case.deciding_agency)
        case.service_point = service_point
        case.window = window
        case.window_kind = window.kind if window else ""
    case.pickup_point = case.pickup_point or case.service_point
    guide = _guide_of(case)
    version = case.item_version
    case.accepted_at = now
    case.accepted_by = principal.user
    case.limit_unit = version.promised_limit_unit
    case.promised_limit = 0 if case.is_instant else guide.promised_limit
    case.statutory_limit = 0 if case.is_instant else version.statutory_limit
    case.added_steps = []
    for adjustment in hooks.adjust_acceptance(case):
        _record(
            SYSTEM,
            case,
            "adjust",
            source=case.status,
            note=adjustment.note,
            data=adjustment.data,
            public=adjustment.public,
            now=now,
            tell_applicant=False,
        )
    _enter_step(case, case_steps(case), 0, now)


def accept(
    principal: Principal,
    case: Case,
    *,
    service_point: ServicePoint | None = None,
    window: Window | None = None,
    revision: int | None = None,
) -> Case:
    """受理: everything required is here; the decision clock starts the next working day."""
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "accept")
        if committed_materials(case):
            raise ValidationError(
                _("The applicant signed a commitment: accept the case on the commitment."),
                code="commitment_signed",
            )
        _require_complete(case)
        _start_clock(principal, case, now, service_point, window)
        _move(principal, case, "accept", now=now, data={"window": case.window_kind})
        _save(case, now)
    return case


def decide_instantly(case: Case, *, note: str = "", data: dict[str, Any] | None = None) -> Case:
    """秒批: accept, approve and issue the result of a case just submitted, as the system.

    Only for a submit handler (``hooks.register_submit_handler``): ``case`` is the very
    object ``submit`` locked and saved, inside its transaction. A decision rule approved
    it; the events carry the rule's evaluation (``data``) as the reason. Never a denial.
    """
    now = _now()
    principal = SYSTEM
    transitions.require(case.status, "accept")
    # Submitted a moment ago in this transaction, nothing attached since: what submit
    # read of the files and confirmations still holds (the deferrable ones count now).
    _require_complete(case, as_read=True)
    _start_clock(principal, case, now, None, None)
    _move(principal, case, "accept", now=now, data=data, public=False)
    _move(principal, case, "approve", now=now, note=note, data=data, public=False)
    case.decided_at = now
    _move(principal, case, "issue_result", now=now, note=note, data=data)
    case.step_kind = "result"
    case.step_role = "window_clerk"
    _save(case, now)
    return case


def refer_to_person(case: Case, *, reasons: list[str], data: dict[str, Any] | None = None) -> Case:
    """A decision rule did not approve: the case waits for a person, who sees why.

    Like :func:`decide_instantly`, for a submit handler on the locked, saved case. Not a
    move: the case stays submitted for a clerk to accept (or refuse — a person decides).
    """
    now = _now()
    note = "；".join(reasons)
    data = {**(data or {}), "reasons": list(reasons)}  # what the applicant is told, as a list
    _record(SYSTEM, case, "refer", source=case.status, note=note, data=data, now=now, public=True)
    _save(case, now)
    return case


def accept_tolerant(
    principal: Principal,
    case: Case,
    *,
    deferred: Iterable[Material],
    due: dt.date,
    service_point: ServicePoint | None = None,
    window: Window | None = None,
    revision: int | None = None,
) -> Case:
    """容缺受理: main materials complete, the listed secondary ones follow by ``due``."""
    now = _now()
    deferred = list(deferred)
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "accept_tolerant")
        _require_open_to_applicant(case, "accept_tolerant")
        if not deferred:
            raise ValidationError(_("List the materials that may follow."), code="empty")
        missing_now = missing_materials(case)
        missing = {m.pk for m in missing_now}
        wrong = [
            m.name
            for m in deferred
            if m.necessity != Material.Necessity.DEFERRABLE or m.pk not in missing
        ]
        if wrong:
            raise ValidationError(
                _("These materials may not be deferred (容缺) for this case: %(names)s")
                % {"names": "；".join(wrong)},
                code="not_deferrable",
            )
        still = [m.name for m in missing_now if m.pk not in {d.pk for d in deferred}]
        if still:
            raise ValidationError(
                _("Required materials are missing: %(names)s") % {"names": "；".join(still)},
                code="missing_material",
            )
        _start_clock(principal, case, now, service_point, window)
        deadlines.recompute(case, now)
        due_at = timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59)))
        # Compared by day: a promised due at the close of office hours still allows that day.
        if case.promised_due:
            due_at = min(due_at, case.promised_due)
        if due < timezone.localdate(now) or (
            case.promised_due and due > timezone.localdate(case.promised_due)
        ):
            raise ValidationError(
                _(
                    "The deferred materials must be due between today and the promised "
                    "time limit (%(limit)s)."
                )
                % {"limit": timezone.localdate(case.promised_due) if case.promised_due else ""},
                code="deferred_due",
            )
        case.deferred_due = due_at
        request = SupplementRequest.objects.create(
            case=case,
            stage=SupplementRequest.Stage.DEFERRED,
            requested_at=now,
            requested_by=principal.user,
            due=due_at,
        )
        request.materials.set(deferred)
        _move(
            principal,
            case,
            "accept_tolerant",
            now=now,
            note=_("To follow by %(due)s: %(names)s")
            % {"due": due.isoformat(), "names": "；".join(m.name for m in deferred)},
            data={"deferred": [m.pk for m in deferred], "due": due.isoformat()},
        )
        _save(case, now)
    return case


def accept_on_commitment(
    principal: Principal,
    case: Case,
    *,
    materials: Iterable[Material] | None = None,
    text: str = "",
    check_due: dt.date | None = None,
    service_point: ServicePoint | None = None,
    window: Window | None = None,
    revision: int | None = None,
) -> Case:
    """告知承诺: the signed commitment replaces the listed proofs; a post-check is due.

    The applicant signed online (:func:`sign_commitment`): that commitment is used and the
    check falls due after the item's working days. Otherwise the clerk records the
    commitment signed on paper at the window: its text, the proofs, the check's due date.
    """
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "accept_on_commitment")
        _require_open_to_applicant(case, "accept_on_commitment")
        signed = Commitment.objects.select_for_update().filter(case=case).first()
        if signed is not None:
            materials = list(signed.materials.all())
            check_due = check_due or deadlines.working_days_after(
                case, now, case.item_version.commitment_check_days
            )
        else:
            materials = list(materials or [])
            if not text.strip():
                raise ValidationError(_("The signed commitment text is required."), code="empty")
            if check_due is None:
                raise ValidationError(_("Set when the post-check is due."), code="check_due")
        missing_now = missing_materials(case)
        committed = {m.pk for m in materials}
        still = [m.name for m in missing_now if m.pk not in committed]
        if still:
            raise ValidationError(
                _("Required materials are missing: %(names)s") % {"names": "；".join(still)},
                code="missing_material",
            )
        if committed - {m.pk for m in _guide_of(case).materials}:
            raise ValidationError(_("Those materials are not in this case's guide."), code="form")
        if check_due <= timezone.localdate(now):
            raise ValidationError(_("The post-check must be due after today."), code="check_due")
        _start_clock(principal, case, now, service_point, window)
        if signed is None:
            signed = Commitment.objects.create(
                case=case, text=text.strip(), signed_at=now, check_due=check_due
            )
            signed.materials.set(materials)
        else:
            signed.check_due = check_due
            signed.save(update_fields=["check_due"])
        _move(
            principal,
            case,
            "accept_on_commitment",
            now=now,
            data={"committed": sorted(committed), "check_due": check_due.isoformat()},
        )
        _save(case, now)
    return case


# ---------------------------------------------------------------- notify and commit (告知承诺)


@dataclass(frozen=True)
class CommitmentOffer:
    """What the applicant reads in full before signing (一次性告知), and what it waives."""

    notice: str
    version: str
    materials: list[Material]
    check_days: int

    def text(self) -> str:
        lines = [_("Notify-and-commit notice (%(version)s)") % {"version": self.version}]
        lines += ["", self.notice.strip(), ""]
        if self.materials:
            lines.append(_("Proofs replaced by this commitment:"))
            lines += [f"{n}. {m.name}" for n, m in enumerate(self.materials, start=1)]
            lines.append("")
        lines.append(COMMITMENT_PLEDGE)
        return "\n".join(str(line) for line in lines)


COMMITMENT_PLEDGE = gettext_lazy(
    "I have read this notice in full. I commit that I meet the conditions above and that "
    "what I have stated is true. I accept the legal liability of a false commitment: the "
    "decision is revoked and the false commitment is recorded in my credit record."
)

SIGN_COMMITMENT = transitions.Transition(
    "*", "sign_commitment", "*", ("applicant",), "告知承诺: the applicant signs online"
)


def commitment_offer(case: Case) -> CommitmentOffer | None:
    """The item's notify-and-commit offer for this case, or None where there is none."""
    version = case.item_version
    if not version.commitment_notice.strip():
        return None
    waivable = [m for m in _guide_of(case).materials if m.commitment_waivable]
    return CommitmentOffer(
        notice=version.commitment_notice,
        version=f"{case.item.impl_code} v{version.number}",
        materials=waivable,
        check_days=version.commitment_check_days,
    )


def commitment_of(case: Case) -> Commitment | None:
    """The case's commitment, signed online or recorded at the window, if any."""
    return Commitment.objects.filter(case=case).prefetch_related("materials").first()


def committed_materials(case: Case) -> set[int]:
    """Materials a commitment signed before acceptance replaces (not asked for)."""
    if not case.item_version.commitment_notice.strip():
        return set()
    return set(
        Commitment.materials.through.objects.filter(commitment__case=case).values_list(
            "material_id", flat=True
        )
    )


def sign_commitment(
    principal: Principal,
    case: Case,
    *,
    signer_name: str,
    read_notice: bool,
    revision: int | None = None,
) -> Commitment:
    """告知承诺 signed online: the applicant read the whole notice and signs it by name."""
    now = _now()
    if not read_notice:
        raise ValidationError(
            _("Read the whole notice and confirm that you have read it."), code="read_notice"
        )
    signer_name = signer_name.strip()
    if not signer_name:
        raise ValidationError(_("Sign with your full name."), code="signer_name")
    with _transaction():
        case = _lock(principal, case, revision)
        ensure_may(principal, case, SIGN_COMMITMENT)
        if case.status not in {Status.DRAFT, Status.SUBMITTED, Status.NEEDS_SUPPLEMENT}:
            raise transitions.IllegalTransition(
                _("A commitment is signed before the case is accepted.")
            )
        offer = commitment_offer(case)
        if offer is None:
            raise ValidationError(
                _("This item does not offer notify-and-commit (告知承诺)."), code="not_offered"
            )
        _require_open_to_applicant(case, "sign_commitment")
        if Commitment.objects.filter(case=case).exists():
            raise ValidationError(
                _("A commitment was signed for this case already."), code="signed"
            )
        if case.applicant.kind == Applicant.Kind.PERSON and signer_name != case.applicant.name:
            raise ValidationError(
                _("Sign with the applicant's full name as registered: %(name)s.")
                % {"name": case.applicant.name},
                code="signer_name",
            )
        commitment = Commitment.objects.create(
            case=case,
            text=offer.text(),
            text_version=offer.version,
            signed_by=principal.user,
            signer_name=signer_name,
            signed_at=now,
        )
        commitment.materials.set(offer.materials)
        _record(
            principal,
            case,
            "sign_commitment",
            source=case.status,
            note=_("Commitment %(version)s signed by %(name)s.")
            % {"version": offer.version, "name": signer_name},
            data={"version": offer.version, "materials": [m.pk for m in offer.materials]},
            now=now,
            tell_applicant=False,
        )
        _save(case, now)
    return commitment


def supply_deferred(principal: Principal, case: Case, *, revision: int | None = None) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "supply_deferred")
        request = case.supplements.filter(
            stage=SupplementRequest.Stage.DEFERRED, answered_at__isnull=True
        ).last()
        if request is not None:
            received = received_materials(case)
            still = [m.name for m in request.materials.all() if m.pk not in received]
            if still:
                raise ValidationError(
                    _("Still missing: %(names)s") % {"names": "；".join(still)},
                    code="missing_material",
                )
            request.answered_at = now
            request.save(update_fields=["answered_at"])
        case.deferred_due = None
        _move(principal, case, "supply_deferred", now=now)
        _save(case, now)
    return case


# ---------------------------------------------------------------- refusals (four eyes)


def propose_non_acceptance(
    principal: Principal, case: Case, *, reason: str, revision: int | None = None
) -> RefusalRequest:
    return _propose(principal, case, "propose_non_acceptance", reason, revision)


def propose_denial(
    principal: Principal, case: Case, *, reason: str, revision: int | None = None
) -> RefusalRequest:
    return _propose(principal, case, "propose_denial", reason, revision)


def _propose(
    principal: Principal, case: Case, action: str, reason: str, revision: int | None
) -> RefusalRequest:
    now = _now()
    if not reason.strip():
        raise ValidationError(_("Give the reasons for the refusal."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, action)
        if action == "propose_denial":
            _require_decision_step(case)
            _require_delay_reason(case, now, "")
        kind = (
            RefusalRequest.Kind.NON_ACCEPTANCE
            if action == "propose_non_acceptance"
            else RefusalRequest.Kind.DENIAL
        )
        request = RefusalRequest.objects.create(
            case=case,
            kind=kind,
            reason=reason.strip(),
            requested_by=principal.user,
            requested_at=now,
        )
        _move(principal, case, action, now=now, note=reason.strip(), public=False)
        _save(case, now)
        _tell_chiefs(case, request)
    return request


def _tell_chiefs(case: Case, request: RefusalRequest) -> None:
    for chief in chiefs_of(case.deciding_agency):
        notify(
            chief,
            _("A refusal awaits your decision"),
            _("Case %(code)s (%(item)s): %(reason)s")
            % {"code": case.code, "item": case.item_version.name, "reason": request.reason},
        )


def _pending_refusal(case: Case) -> RefusalRequest:
    request = case.refusals.filter(outcome=RefusalRequest.Outcome.PENDING).last()
    if request is None:
        raise transitions.IllegalTransition(_("No refusal is waiting on this case."))
    return request


def confirm_refusal(
    principal: Principal, case: Case, *, note: str = "", revision: int | None = None
) -> Case:
    return _decide_refusal(principal, case, "confirm_refusal", note, revision)


def overturn_refusal(
    principal: Principal, case: Case, *, note: str, revision: int | None = None
) -> Case:
    if not note.strip():
        raise ValidationError(_("Say why the refusal is overturned."), code="reason")
    return _decide_refusal(principal, case, "overturn_refusal", note, revision)


def _decide_refusal(
    principal: Principal, case: Case, action: str, note: str, revision: int | None
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, action)
        request = _pending_refusal(case)
        if principal.user is not None and request.requested_by_id == principal.user.pk:
            raise PermissionDenied(_("A refusal is decided by someone other than its proposer."))
        request.outcome = (
            RefusalRequest.Outcome.CONFIRMED
            if action == "confirm_refusal"
            else RefusalRequest.Outcome.OVERTURNED
        )
        request.decided_by = principal.user
        request.decided_at = now
        request.decision_note = note.strip()
        request.save()
        public_note = request.reason if action == "confirm_refusal" else ""
        _move(
            principal,
            case,
            action,
            now=now,
            note=public_note,
            data={"refusal": request.kind, "note": note.strip()},
            public=action == "confirm_refusal",
        )
        if case.status in {Status.NOT_ACCEPTED, Status.DENIED}:
            case.decided_at = now
        if case.status == Status.NOT_ACCEPTED:
            case.closed_at = now
        _save(case, now)
    return case


# ---------------------------------------------------------------- review


def _require_decision_step(case: Case) -> None:
    steps = case_steps(case)
    if case.step_index != decision_index(steps):
        raise transitions.IllegalTransition(
            _("The case is not at its decision step yet (now: %(step)s).")
            % {"step": _step_label(case)}
        )


def _step_label(case: Case) -> str:
    if case.step_kind in ReviewStep.Kind.values:
        return str(ReviewStep.Kind(case.step_kind).label)
    return str(Status(case.status).label)


def complete_step(
    principal: Principal,
    case: Case,
    *,
    note: str = "",
    delay_reason: str = "",
    revision: int | None = None,
) -> Case:
    """A review step done: the next step's role takes the case."""
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "complete_step")
        steps = case_steps(case)
        if case.step_index >= decision_index(steps):
            raise transitions.IllegalTransition(
                _("This is the decision step: approve or deny the case.")
            )
        _require_delay_reason(case, now, delay_reason)
        done = steps[case.step_index]
        _move(
            principal,
            case,
            "complete_step",
            now=now,
            note=note.strip(),
            data={"step": done.kind},
        )
        _enter_step(case, steps, case.step_index + 1, now)
        _save(case, now)
    return case


def approve(
    principal: Principal,
    case: Case,
    *,
    note: str = "",
    delay_reason: str = "",
    revision: int | None = None,
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "approve")
        _require_decision_step(case)
        _require_delay_reason(case, now, delay_reason)
        if case.supplements.filter(
            stage=SupplementRequest.Stage.DEFERRED, answered_at__isnull=True
        ).exists():
            raise ValidationError(_("The deferred materials have not arrived."), code="deferred")
        _move(principal, case, "approve", now=now, note=note.strip())
        case.decided_at = now
        steps = case_steps(case)
        if case.step_index + 1 < len(steps):
            _enter_step(case, steps, case.step_index + 1, now)
        _save(case, now)
    return case


def deny(
    principal: Principal,
    case: Case,
    *,
    reason: str,
    delay_reason: str = "",
    revision: int | None = None,
) -> Case:
    """不予许可 by a section chief of the deciding agency (others propose it)."""
    now = _now()
    if not reason.strip():
        raise ValidationError(_("Give the reasons for the refusal."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "deny")
        _require_decision_step(case)
        _require_delay_reason(case, now, delay_reason)
        _move(principal, case, "deny", now=now, note=reason.strip())
        case.decided_at = now
        _save(case, now)
    return case


def start_special_procedure(
    principal: Principal,
    case: Case,
    *,
    procedure: str,
    expected_days: int,
    reason: str,
    revision: int | None = None,
) -> Case:
    """Art. 45: the time of a hearing, testing, expert review… is not counted."""
    now = _now()
    if procedure not in CasePause.Procedure.values:
        raise ValidationError(_("Choose one of the special procedures of Art. 45."), code="form")
    if expected_days < 1:
        raise ValidationError(_("Tell the applicant how long it will take."), code="form")
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "start_special_procedure")
        case.has_pauses = True
        CasePause.objects.create(
            case=case,
            kind=CasePause.Kind.SPECIAL_PROCEDURE,
            procedure=procedure,
            started_at=now,
            expected_days=expected_days,
            reason=reason.strip(),
        )
        _move(
            principal,
            case,
            "start_special_procedure",
            now=now,
            note=_("%(procedure)s, about %(days)s working days. %(reason)s")
            % {
                "procedure": CasePause.Procedure(procedure).label,
                "days": expected_days,
                "reason": reason.strip(),
            },
            data={"procedure": procedure, "expected_days": expected_days},
        )
        _save(case, now)
    return case


def end_special_procedure(
    principal: Principal, case: Case, *, note: str = "", revision: int | None = None
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "end_special_procedure")
        _close_pauses(case, CasePause.Kind.SPECIAL_PROCEDURE, now)
        _move(principal, case, "end_special_procedure", now=now, note=note.strip())
        _save(case, now)
    return case


MAX_EXTENSION_DAYS = 10  # Art. 42 (15 for joint handling, not offered yet)


def extend(
    principal: Principal, case: Case, *, days: int, reason: str, revision: int | None = None
) -> Case:
    now = _now()
    if not reason.strip():
        raise ValidationError(_("The applicant must be told why."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "extend")
        if days < 1 or case.extension_days + days > MAX_EXTENSION_DAYS:
            raise ValidationError(
                _("An extension adds 1 to %(max)s working days in all.")
                % {"max": MAX_EXTENSION_DAYS},
                code="extension",
            )
        case.extension_days += days
        _move(
            principal,
            case,
            "extend",
            now=now,
            note=reason.strip(),
            data={"days": days, "total": case.extension_days},
        )
        _save(case, now)
    return case


def explain_delay(
    principal: Principal, case: Case, *, reason: str, revision: int | None = None
) -> Case:
    """Record why a case is past its deadline; the applicant sees it."""
    now = _now()
    if not reason.strip():
        raise ValidationError(_("Give the reason for the delay."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        if case.closed_at is not None or case.status == Status.DRAFT:
            raise transitions.IllegalTransition(_("This case is finished."))
        ensure_may(principal, case, transitions.EXPLAIN_DELAY)
        case.overdue_reason = reason.strip()
        _record(principal, case, "explain_delay", source=case.status, note=reason.strip(), now=now)
        _save(case, now)
    return case


# ---------------------------------------------------------------- result


def issue_result(
    principal: Principal, case: Case, *, note: str = "", revision: int | None = None
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "issue_result")
        _move(principal, case, "issue_result", now=now, note=note.strip())
        case.step_kind = "result"
        case.step_role = "window_clerk"
        _save(case, now)
    return case


def deliver(
    principal: Principal,
    case: Case,
    *,
    recipient_name: str,
    id_checked: bool,
    method: str = "window",
    service_point: ServicePoint | None = None,
    revision: int | None = None,
) -> Case:
    """出件: the result handed over (identity checked) or sent; the case closes."""
    now = _now()
    if not recipient_name.strip():
        raise ValidationError(_("Name who received the result."), code="recipient")
    if method == "window" and not id_checked:
        raise ValidationError(
            _("Check the identity document of whoever collects the result."), code="id"
        )
    with _transaction():
        case = _lock(principal, case, revision)
        transitions.require(case.status, "deliver")
        Handover.objects.create(
            case=case,
            recipient_name=recipient_name.strip(),
            recipient_id_checked=id_checked,
            method=method,
            at=now,
            by=principal.user,
            service_point=service_point or case.pickup_point,
        )
        _move(
            principal,
            case,
            "deliver",
            now=now,
            data={"recipient": recipient_name.strip(), "method": method},
        )
        source = case.status
        case.status = transitions.require(case.status, "close").target
        case.closed_at = now
        case.step_kind = ""
        case.step_role = ""
        _record(principal, case, "close", source=source, now=now, tell_applicant=False)
        _save(case, now)
    return case


def withdraw(
    principal: Principal, case: Case, *, reason: str = "", revision: int | None = None
) -> Case:
    now = _now()
    with _transaction():
        case = _lock(principal, case, revision)
        _move(principal, case, "withdraw", now=now, note=reason.strip())
        case.closed_at = now
        _close_pauses(case, CasePause.Kind.SUPPLEMENT, now)
        _close_pauses(case, CasePause.Kind.SPECIAL_PROCEDURE, now)
        _save(case, now)
    return case


def after_closing(
    principal: Principal, case: Case, action: str, *, reason: str, revision: int | None = None
) -> Case:
    """变更 / 撤销 / 注销 / 吊销 of an issued result, with the reason recorded."""
    if action not in {"amend", "revoke", "cancel_licence", "withdraw_licence"}:
        raise transitions.IllegalTransition(
            _("“%(action)s” is not done to a closed case.")
            % {"action": transitions.ACTION_LABELS.get(action, action)}
        )
    now = _now()
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        _move(principal, case, action, now=now, note=reason.strip())
        _save(case, now)
    return case


# ---------------------------------------------------------------- the clock's consequences


def terminate_overdue_deferred(principal: Principal, now: dt.datetime | None = None) -> int:
    """容缺 cases whose deferred materials missed their deadline end (the task calls this)."""
    now = now or _now()
    ids = list(
        Case.objects.filter(status=Status.ACCEPTED_TOLERANT, deferred_due__lt=now).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with _transaction():
            case = _lock(principal, Case(pk=pk), None)
            if case.status != Status.ACCEPTED_TOLERANT or not (
                case.deferred_due and case.deferred_due < now
            ):
                continue
            _move(
                principal,
                case,
                "terminate",
                now=now,
                note=_("The deferred materials did not arrive by %(due)s.")
                % {"due": timezone.localdate(case.deferred_due).isoformat()},
            )
            case.closed_at = now
            _save(case, now)
    return len(ids)


def record_post_check(
    principal: Principal, case: Case, *, kept: bool, note: str, revision: int | None = None
) -> Case:
    """告知承诺 post-check: a false commitment ends the case or revokes its result."""
    now = _now()
    if not note.strip():
        raise ValidationError(_("Record what the check found."), code="note")
    with _transaction():
        case = _lock(principal, case, revision)
        commitment = Commitment.objects.select_for_update().filter(case=case).first()
        if commitment is None or commitment.check_result != Commitment.CheckResult.PENDING:
            raise transitions.IllegalTransition(_("No commitment of this case awaits a check."))
        from .permissions import in_agency

        if not in_agency(principal, case):
            raise PermissionDenied(_("The deciding agency checks its commitments."))
        commitment.check_result = (
            Commitment.CheckResult.CONFIRMED if kept else Commitment.CheckResult.FALSE
        )
        commitment.checked_at = now
        commitment.check_note = note.strip()
        commitment.save()
        case.commitment = commitment  # the locked row came with the commitment as it was
        _record(
            principal,
            case,
            "post_check",
            source=case.status,
            note=note.strip(),
            data={"kept": kept},
            now=now,
        )
        if not kept:
            issued = {Status.RESULT_ISSUED, Status.DELIVERED, Status.CLOSED}
            action = "revoke" if case.status in issued else "terminate"
            _move(
                principal,
                case,
                action,
                now=now,
                note=_("False commitment: %(note)s") % {"note": note.strip()},
            )
            case.closed_at = case.closed_at or now
        _save(case, now)
    return case


def terminate(
    principal: Principal, case: Case, *, reason: str, revision: int | None = None
) -> Case:
    """终止: a chief ends handling (e.g. a false commitment found before the decision)."""
    now = _now()
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason")
    with _transaction():
        case = _lock(principal, case, revision)
        _move(principal, case, "terminate", now=now, note=reason.strip())
        case.closed_at = now
        _close_pauses(case, CasePause.Kind.SPECIAL_PROCEDURE, now)
        _save(case, now)
    return case
