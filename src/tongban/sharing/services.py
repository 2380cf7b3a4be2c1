"""Asking the registers, for a case that needs it, and recording every question.

- :func:`lookup` — one source about one subject, for one case: refused (and recorded as
  refused) unless the asker may see the case and the case needs that source — a
  material of its item names the source, or another app declared the need
  (:func:`register_need`: instant approval declares the sources its rules read). A
  failing source is an answer with an error, never an exception.
- :func:`verify_materials` — whether the sources confirm a case's materials (三减一优);
  the confirmer registered with ``cases.hooks`` makes a confirmed material not asked for.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tongban.cases.actions import is_new, submitted_at_once
from tongban.cases.models import Case
from tongban.catalog.guide import IncompleteAnswers, derived_from_published, guide_for
from tongban.catalog.models import ItemVersion, Material
from tongban.core import crypto, sql
from tongban.core.adapters import get_adapter
from tongban.core.adapters.data_sources import PORT, SourceRequest
from tongban.core.identifiers import mask_resident_id
from tongban.org import policy
from tongban.org.models import Applicant, StaffRole
from tongban.org.policy import SYSTEM, Principal

from .adapters import CircuitOpen, breaker_for
from .models import DataSource, MaterialVerification, SharingQuery

logger = logging.getLogger("tongban.sharing")


@dataclass(frozen=True)
class Answer:
    source_code: str
    source_name: str
    found: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    query_id: int | None = None


# ---------------------------------------------------------------- sources, cached

_CACHE_SECONDS = 10.0
_sources: dict[str, tuple[float, DataSource | None]] = {}
_sources_lock = threading.Lock()


def _forget_sources(**_kwargs) -> None:
    with _sources_lock:
        _sources.clear()


post_save.connect(_forget_sources, sender=DataSource, dispatch_uid="sharing.forget_sources")
post_delete.connect(_forget_sources, sender=DataSource, dispatch_uid="sharing.forget_sources_del")


def forget_sources() -> None:
    """Drop the cached source rows (tests; another process's edit shows within seconds)."""
    _forget_sources()


def source(code: str) -> DataSource | None:
    """The source ``code``, kept per process for a few seconds (asked on every lookup)."""
    now = time.monotonic()
    cached = _sources.get(code)
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    found = DataSource.objects.filter(code=code).first()
    with _sources_lock:
        _sources[code] = (now, found)
    return found


# ---------------------------------------------------------------- who needs what

_needs: list[Callable[[Case], Iterable[str]]] = []
_purposes: dict[Callable, str] = {}


def register_need(need: Callable[[Case], Iterable[str]], purpose: str = "") -> None:
    """``need(case)`` names the sources another app reads for ``case``; ``purpose`` is
    what it asks them for (its lookups' purpose). A case started and submitted in one
    action is asked once per source: the one query records every purpose it served."""
    if need not in _needs:
        _needs.append(need)
    if purpose:
        _purposes[need] = purpose


# Kept on a case object by the action that inserted it (``cases.actions.is_new``): what
# a case started and submitted in one action was told, per (source, subject), with the
# purposes its query named besides checking the materials; and all its verifications.
_SHARED = "_answers_shared"
_KNOWN = "_verifications_known"


def _also_for(case: Case, code: str) -> list[str]:
    """The purposes other apps will ask ``code`` for, for ``case``, in this action."""
    return [purpose for need, purpose in _purposes.items() if code in set(need(case))]


def material_sources(version: ItemVersion) -> set[str]:
    """The sources the version's materials name (a published version never changes)."""
    return derived_from_published(
        version,
        "shared-sources",
        lambda: set(
            Material.objects.filter(version=version)
            .exclude(shared_source="")
            .values_list("shared_source", flat=True)
        ),
    )


def sources_needed(case: Case) -> set[str]:
    """What the case may be looked up in: its materials' sources and other apps' needs.

    Kept on the case object for the rest of the request: an instant decision asks
    several sources in a row for the same case (each would read the rules in force)."""
    key = (case.item_version_id, timezone.localdate(), len(_needs))
    cached = case.__dict__.get("_sources_needed")
    if cached is not None and cached[0] == key:
        return cached[1]
    needed = set(material_sources(case.item_version))
    for need in _needs:
        needed |= set(need(case))
    case.__dict__["_sources_needed"] = (key, needed)
    return needed


# ---------------------------------------------------------------- asking


def subject_of(applicant: Applicant) -> str:
    """What registers know the applicant by: the ID number, or the credit code."""
    if applicant.id_number_encrypted:
        return applicant.id_number
    return applicant.credit_code or ""


def normalize(subject: str) -> str:
    """ID numbers and credit codes are compared upper-case, without blanks."""
    return (subject or "").strip().upper()


def subject_index(subject: str) -> str:
    """The keyed digest a subject is stored and searched by."""
    return crypto.blind_index(normalize(subject))


def mask(subject: str) -> str:
    """What people see of a subject: ``3714**********1234``."""
    if len(subject) == 18 and subject[:17].isdigit():
        return mask_resident_id(subject)
    if len(subject) > 10:
        return subject[:6] + "*" * (len(subject) - 10) + subject[-4:]
    return "*" * len(subject)


def _log(
    principal: Principal,
    data_source: DataSource,
    subject: str,
    case: Case | None,
    purpose: str,
    outcome: str,
    *,
    returned: Any = None,
    error: str = "",
    started: float,
) -> SharingQuery:
    query = SharingQuery(
        at=timezone.now(),
        source=data_source,
        adapter=data_source.adapter,
        actor=principal.user,
        actor_label=principal.label[:150],
        subject_index=crypto.blind_index(subject),  # normalised by the caller
        subject_masked=mask(subject),
        case=case,
        purpose=purpose[:200],
        outcome=outcome,
        returned=returned,
        error=error[:2000],
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    sql.insert(query)  # append-only, on the hot path: one INSERT compiled once
    return query


def lookup(
    principal: Principal, source_code: str, subject: str, *, case: Case, purpose: str
) -> Answer:
    """Ask source ``source_code`` about ``subject`` (an ID number or credit code) for
    ``case``; every call is recorded as one ``SharingQuery``.

    Refused — ``PermissionDenied``, recorded as ``refused`` — unless ``principal`` may see
    the case and the case needs the source. A switched-off or failing source gives an
    answer with ``error`` set (recorded), never an exception."""
    return _lookup(principal, source_code, subject, case, purpose, _may_see(principal, case),
                   sources_needed(case))  # fmt: skip


def _may_see(principal: Principal, case: Case) -> bool:
    return principal.kind == "system" or policy.allows(principal, "cases.view_case", case)


def _lookup(
    principal: Principal,
    source_code: str,
    subject: str,
    case: Case,
    purpose: str,
    may_see: bool,
    needed: set[str],
) -> Answer:
    started = time.perf_counter()
    subject = normalize(subject)
    data_source = _known(source_code)
    if not may_see or source_code not in needed:
        _log(principal, data_source, subject, case, purpose, "refused", started=started)
        raise PermissionDenied(
            _("Personal data is fetched only for a case that needs it (%(source)s).")
            % {"source": data_source.name}
        )
    return _ask(principal, data_source, subject, case, purpose, started)


def try_source(principal: Principal, source_code: str, subject: str, *, purpose: str) -> Answer:
    """A catalog administrator's test bench: ask a source without a case (recorded with no
    case). Only catalog and platform administrators; anyone else is refused (recorded)."""
    started = time.perf_counter()
    subject = normalize(subject)
    data_source = _known(source_code)
    if not policy.allows(principal, "sharing.try_source", data_source):
        _log(principal, data_source, subject, None, purpose, "refused", started=started)
        raise PermissionDenied(policy.refusal_message("sharing.try_source"))
    return _ask(principal, data_source, subject, None, purpose, started)


def _known(source_code: str) -> DataSource:
    data_source = source(source_code)
    if data_source is None:
        raise ValidationError(
            _("There is no data source “%(code)s”.") % {"code": source_code}, code="no_source"
        )
    return data_source


def _ask(
    principal: Principal,
    data_source: DataSource,
    subject: str,
    case: Case | None,
    purpose: str,
    started: float,
) -> Answer:
    source_code, name = data_source.code, data_source.name
    if not data_source.is_enabled:
        error = _("The data source is switched off.")
        query = _log(principal, data_source, subject, case, purpose, "error", error=error,
                     started=started)  # fmt: skip
        return Answer(source_code, name, False, error=error, query_id=query.pk)
    request = SourceRequest(source_code, subject, dict(data_source.options or {}))
    try:
        data = get_adapter(PORT, data_source.adapter).fetch(request)
    except CircuitOpen as error:
        query = _log(principal, data_source, subject, case, purpose, "circuit_open",
                     error=str(error), started=started)  # fmt: skip
        return Answer(source_code, name, False, error=str(error), query_id=query.pk)
    except Exception as error:  # an outside system's failure is an answer, not a crash
        query = _log(principal, data_source, subject, case, purpose, "error",
                     error=f"{type(error).__name__}: {error}", started=started)  # fmt: skip
        return Answer(source_code, name, False, error=str(error) or type(error).__name__,
                      query_id=query.pk)  # fmt: skip
    outcome = "found" if data is not None else "not_found"
    query = _log(principal, data_source, subject, case, purpose, outcome, returned=data,
                 started=started)  # fmt: skip
    return Answer(source_code, name, data is not None, data or {}, query_id=query.pk)


def lookup_many(
    principal: Principal, source_codes: Iterable[str], subject: str, *, case: Case, purpose: str
) -> dict[str, Answer]:
    """:func:`lookup` for each source, in order; the first refusal raises. Who may see
    the case and what it needs are worked out once for all of them."""
    may_see, needed = _may_see(principal, case), sources_needed(case)
    shared = case.__dict__.get(_SHARED) if is_new(case) else None
    answers = {}
    for code in source_codes:
        kept = shared.get((code, normalize(subject))) if shared else None
        if kept is not None and purpose in kept[1] and may_see and code in needed:
            answers[code] = kept[0]  # asked once in this action; its query names this use
            continue
        answers[code] = _lookup(principal, code, subject, case, purpose, may_see, needed)
    return answers


# ---------------------------------------------------------------- materials (三减一优)


def confirms(material: Material, answer: Answer, today: dt.date | None = None) -> bool:
    """Whether ``answer`` confirms ``material``: for the certificate library, a valid
    certificate of type ``shared_check`` (not past its last day); for another source, a
    record, holding a true ``shared_check`` when one is named."""
    if not answer.found:
        return False
    if material.shared_source == "certificates":
        day = (today or timezone.localdate()).isoformat()
        return any(
            c.get("type_code") == material.shared_check
            and c.get("status") in ("valid", "01")
            and (not c.get("valid_to") or str(c["valid_to"]) >= day)
            for c in answer.data.get("certificates", [])
        )
    return not material.shared_check or bool(answer.data.get(material.shared_check))


def _candidates(case: Case) -> list[Material]:
    """The guide's materials naming a source (all the version's while answers are
    incomplete: a draft is checked before its questions are answered)."""
    try:
        materials = guide_for(case.item_version, list(case.answers)).materials
    except IncompleteAnswers:
        materials = list(Material.objects.filter(version=case.item_version))
    return [m for m in materials if m.shared_source]


def verify_materials(
    principal: Principal, case: Case, *, new: bool = False
) -> list[MaterialVerification]:
    """Ask the sources about the case's materials not yet confirmed; record each answer.
    ``new``: the case was just created, so none is confirmed yet (nothing to read)."""
    materials = _candidates(case)
    done = set() if new else confirmed_ids(case, materials)
    waiting = [m for m in materials if m.pk not in done]
    if not waiting:
        return []
    subject = subject_of(case.applicant)
    if not subject:
        return []
    answers = {}
    may_see, needed = _may_see(principal, case), sources_needed(case)
    with translation.override(settings.LANGUAGE_CODE):  # kept: in the site's language
        purpose = _("Checking the materials")
    at_once = submitted_at_once(case)
    for code in sorted({m.shared_source for m in waiting}):
        also = _also_for(case, code) if at_once else []
        asked_for = "；".join([purpose, *also])
        try:
            answers[code] = _lookup(principal, code, subject, case, asked_for, may_see, needed)
        except (PermissionDenied, ValidationError):
            continue  # refused (recorded) or no such source: the material stays asked for
        if also and not answers[code].error:  # the submission that follows uses it
            shared = case.__dict__.setdefault(_SHARED, {})
            shared[(code, normalize(subject))] = (answers[code], set(also))
    now = timezone.now()
    rows = []
    for material in waiting:
        answer = answers.get(material.shared_source)
        if answer is None:
            continue
        confirmed = confirms(material, answer)
        with translation.override(settings.LANGUAGE_CODE):  # kept: in the site's language
            summary = (
                _("%(source)s: confirmed") if confirmed else _("%(source)s: not confirmed")
            ) % {"source": answer.source_name}
        rows.append(
            MaterialVerification(
                case=case,
                material=material,
                source=material.shared_source,
                confirmed=confirmed,
                summary=summary,
                query_id=answer.query_id,
                at=now,
            )
        )
    sql.insert_many(rows)
    # A new case's verifications are all on this object: later checks by the action that
    # inserted it (an instant application's submission) need not read them back.
    known = case.__dict__.get(_KNOWN)
    if new:
        case.__dict__[_KNOWN] = list(rows)
    elif known is not None:
        known.extend(rows)
    return rows


def confirmed_ids(case: Case, materials: Iterable[Material]) -> set[int]:
    """Of ``materials``, those whose newest verification for ``case`` confirmed them."""
    ids = [m.pk for m in materials]
    if not ids or case.pk is None:
        return set()
    wanted = set(ids)
    known = case.__dict__.get(_KNOWN) if is_new(case) else None
    if known is not None:
        rows = [{"material_id": v.material_id, "confirmed": v.confirmed} for v in reversed(known)]
    else:
        rows = _VERIFICATIONS.rows(case.pk)  # the newest first per material
    newest: dict[int, bool] = {}
    for row in rows:
        if row["material_id"] in wanted:
            newest.setdefault(row["material_id"], row["confirmed"])
    return {material_id for material_id, confirmed in newest.items() if confirmed}


# A case's verifications, the newest first per material: asked by every action that checks
# completeness, compiled once (a case has a handful).
_VERIFICATIONS = sql.Prepared(
    lambda case_id: (
        MaterialVerification.objects.filter(case_id=case_id)
        .order_by("material_id", "-at", "-pk")
        .values("material_id", "confirmed")
    )
)


def verifications_for(case: Case) -> list[MaterialVerification]:
    """The case's verifications, the newest first (the first per material counts)."""
    return list(
        MaterialVerification.objects.filter(case=case)
        .select_related("material", "query")
        .order_by("-at", "-pk")
    )


def latest_verifications(case: Case) -> list[MaterialVerification]:
    """The verification in force per material (the newest), in material order."""
    latest: dict[int, MaterialVerification] = {}
    for verification in verifications_for(case):
        latest.setdefault(verification.material_id, verification)
    return sorted(latest.values(), key=lambda v: (v.material.order, v.material_id))


def queries_for_case(case: Case) -> list[SharingQuery]:
    """Every query made for the case, oldest first (the staff case page)."""
    return list(SharingQuery.objects.filter(case=case).select_related("source").order_by("at"))


def on_case_acted(sender, case: Case, action: str, **_kwargs) -> None:
    """A new draft whose item names a data source: check its materials at once, so the
    applicant sees “verified” instead of an upload box. Never fails the action."""
    if action != "create" or not material_sources(case.item_version):
        return
    try:
        with transaction.atomic():
            verify_materials(SYSTEM, case, new=True)
    except Exception:  # a check that could not run leaves the materials asked for
        logger.exception("checking the materials of case %s failed", case.pk)


# ---------------------------------------------------------------- for auditors


def source_overview(day: dt.date | None = None) -> list[dict[str, Any]]:
    """Each source with its circuit breaker's state and the day's queries and errors."""
    day = day or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    failed = Q(queries__outcome__in=["error", "circuit_open"])
    today = Q(queries__at__gte=start, queries__at__lt=end)
    rows = DataSource.objects.annotate(
        queries_today=Count("queries", filter=today),
        errors_today=Count("queries", filter=today & failed),
    ).order_by("pk")
    overview = []
    for row in rows:
        options = row.options or {}
        state = (
            breaker_for(row.code).state(float(options.get("open_seconds", 30)))
            if row.adapter == "http"
            else ""
        )
        overview.append({"source": row, "breaker": state, "queries_today": row.queries_today,
                         "errors_today": row.errors_today})  # fmt: skip
    return overview


def search_queries(
    *,
    source: str = "",
    case_code: str = "",
    outcome: str = "",
    day: dt.date | None = None,
    subject: str = "",
    digest: str = "",
):
    """The query log, newest first, narrowed by what an auditor entered. ``subject`` is
    an ID number or credit code, searched by its keyed digest (never stored in clear);
    ``digest`` is that digest already computed (a page's links carry it, not the number)."""
    queries = SharingQuery.objects.select_related("source", "case").order_by("-at", "-pk")
    if source:
        queries = queries.filter(source__code=source)
    if case_code:
        queries = queries.filter(case__code=case_code.strip())
    if outcome:
        queries = queries.filter(outcome=outcome)
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        queries = queries.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
    if subject:
        queries = queries.filter(subject_index=subject_index(subject))
    if digest:
        queries = queries.filter(subject_index=digest)
    return queries


# ---------------------------------------------------------------- policy


@policy.rule(
    "sharing.view_query",
    _lazy("Only auditors and platform administrators read the data-query log."),
)
def _view_query(principal: Principal, _obj: Any = None) -> bool:
    return principal.kind == "staff" and principal.has_role(StaffRole.AUDITOR)


@policy.rule(
    "sharing.try_source",
    _lazy("Only catalog and platform administrators try a data source without a case."),
)
def _try_source(principal: Principal, _obj: Any = None) -> bool:
    return principal.kind == "staff" and principal.has_role(StaffRole.CATALOG_ADMIN)
