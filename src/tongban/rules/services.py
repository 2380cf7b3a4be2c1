"""Decision rules (审批规则): which are in force, evaluating one, recording what it said.

A rule is a JDM decision graph (zen-engine) per item version. Its input is the document
``tongban.instant`` builds for a case::

    {"form": {...}, "answers": [...], "applicant": {"kind", "name"},
     "context": {"today": "YYYY-MM-DD", "year": 2026},
     "<source code>": {..., "found": true} or {"found": false, "error": "..."}}

with one key per data source the rule declares (``DecisionRule.sources``).

Output convention (the demo rules follow it; the upload page says so): the decision's
result has ``outcome`` ("approve" or "refer") and ``reason`` (text) or ``reasons`` (a
list of texts). A ``collect`` decision table returns a list of such rows: the rule
approves only when the list is not empty and every row says approve; the reasons are
those of the rows that do not. Anything else — no outcome, an unknown one ("deny"
too), an empty list, an engine error — refers the case to a person (outcome ``refer``,
or ``error`` when the engine failed). A rule never denies: a person does.

Modes: ``active`` decides (the newest active revision effective on the day);
``monitor`` is evaluated and recorded but decides nothing (trying a rule on live
traffic); ``off`` is not evaluated.
"""

import contextlib
import contextvars
import datetime as dt
import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.core import audit, sql
from tongban.org import policy
from tongban.org.policy import Principal

from .models import (
    SOURCE_CODES,
    DecisionRule,
    Mode,
    Outcome,
    RuleEvaluation,
    RuleTest,
    jdm_sha256,
)

__all__ = [
    "InForce",
    "Result",
    "TestOutcome",
    "add_test",
    "evaluate",
    "evaluations_for",
    "has_rules",
    "kept_for_the_request",
    "normalise",
    "record",
    "record_many",
    "rules_in_force",
    "run_tests",
    "set_mode",
    "sources_for",
    "upload",
    "validate_jdm",
]


@dataclass(frozen=True)
class InForce:
    """The rules of an item version on a day: the one that decides, and the monitors."""

    active: DecisionRule | None
    monitors: list[DecisionRule] = field(default_factory=list)

    @property
    def all(self) -> list[DecisionRule]:
        return ([self.active] if self.active else []) + self.monitors


@dataclass
class Result:
    """What a rule said about one input document (nothing stored yet)."""

    outcome: str  # Outcome: approve / refer / error
    reasons: list[str]
    outputs: Any = None
    trace: Any = None
    duration_us: int = 0

    @property
    def approves(self) -> bool:
        return self.outcome == Outcome.APPROVE


# ---------------------------------------------------------------- in force


# Set by ``kept_for_the_request``: the rules in force per (version, day), read once.
_kept: contextvars.ContextVar[dict | None] = contextvars.ContextVar("rules_kept", default=None)


@contextlib.contextmanager
def kept_for_the_request() -> Iterator[None]:
    """Inside the block ``rules_in_force`` reads once per item version and day: for one
    request's work in one transaction that asks several times (an instant application
    asks what to fetch, what decides, and what to show). Not kept any longer: a rule's
    mode may change at any time."""
    if _kept.get() is not None:
        yield
        return
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def rules_in_force(version: ItemVersion, on: dt.date) -> InForce:
    """The newest active revision effective on ``on`` (``effective_from`` ≤ ``on``), and
    every monitor revision effective then. One query."""
    kept = _kept.get()
    if kept is not None:
        found = kept.get((version.pk, on))
        if found is None:
            found = kept[(version.pk, on)] = _read_in_force(version, on)
        return found
    return _read_in_force(version, on)


# Every submission asks (compiled once per process, ``core.sql``); the day is compared
# here, among the version's few revisions in active or monitor mode.
_ACTIVE_OR_MONITOR = sql.Prepared(
    lambda version_id: (
        DecisionRule.objects.filter(
            item_version_id=version_id, mode__in=[Mode.ACTIVE, Mode.MONITOR]
        )
        .defer("jdm")
        .order_by("-revision")
    )
)


def _read_in_force(version: ItemVersion, on: dt.date) -> InForce:
    rules = [r for r in _ACTIVE_OR_MONITOR.rows(version.pk) if r.effective_from <= on]
    active = next((r for r in rules if r.mode == Mode.ACTIVE), None)
    return InForce(active, [r for r in rules if r.mode == Mode.MONITOR])


def has_rules(version: ItemVersion) -> bool:
    """Whether the item version has any rule revision at all (in force or not)."""
    return DecisionRule.objects.filter(item_version_id=version.pk).exists()


def sources_for(version: ItemVersion, on: dt.date) -> set[str]:
    """The data sources the rules in force on ``on`` read (what to fetch for a case)."""
    return {code for rule in rules_in_force(version, on).all for code in (rule.sources or [])}


# ---------------------------------------------------------------- evaluating

# Compiled once per JDM document per process (keyed by its sha256); a revision's JDM
# never changes, so this never goes stale.
_compiled: dict[str, Any] = {}
_engine_lock = threading.Lock()
_engine_instance: Any = None


def _engine():
    global _engine_instance
    if _engine_instance is None:
        with _engine_lock:
            if _engine_instance is None:
                import zen

                _engine_instance = zen.ZenEngine()
    return _engine_instance


def _compile(document: dict) -> Any:
    return _engine().create_decision(json.dumps(document, ensure_ascii=False))


def _decision(rule: DecisionRule):
    # The rules in force are read without their graph (``defer("jdm")``): a process
    # reads a revision's graph once, when it first compiles it.
    key = rule.jdm_sha256 or jdm_sha256(rule.jdm)
    decision = _compiled.get(key)
    if decision is None:
        decision = _compiled[key] = _compile(rule.jdm)
    return decision


def engine_message(error: BaseException) -> str:
    """The engine's error, short: its JSON ``type``/``source`` without the backtrace."""
    text = str(error).split("Stack backtrace", 1)[0].strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    if isinstance(parsed, dict):
        parts = [
            json.dumps(parsed[k], ensure_ascii=False)
            if isinstance(parsed[k], dict)
            else str(parsed[k])
            for k in ("type", "source", "nodeId")
            if parsed.get(k)
        ]
        return ": ".join(parts)[:300] or text[:300]
    return text[:300]


def _row_reasons(row: dict) -> list[str]:
    if isinstance(row.get("reasons"), list):
        return [str(r) for r in row["reasons"] if r not in (None, "")]
    if row.get("reason") not in (None, ""):
        return [str(row["reason"])]
    return []


def normalise(result: Any) -> tuple[str, list[str]]:
    """(outcome, reasons) from a decision's result, by the convention in the module
    docstring: ``approve`` only when every row (at least one) says exactly "approve"."""
    rows = result if isinstance(result, list) else [result]
    if not rows or not all(isinstance(row, dict) for row in rows):
        return Outcome.REFER, [_("The rule gave no outcome.")]
    reasons: list[str] = []
    approves = True
    for row in rows:
        if row.get("outcome") != Outcome.APPROVE.value:
            approves = False
            reasons += _row_reasons(row)
    if approves:
        return Outcome.APPROVE, []
    return Outcome.REFER, reasons or [_("The rule did not approve.")]


def evaluate(rule: DecisionRule, inputs: dict[str, Any], *, trace: bool = True) -> Result:
    """Run ``rule`` on ``inputs``. Pure: nothing is written. Never raises for a bad rule
    or bad inputs: an engine error is the outcome ``error`` (a person decides)."""
    started = time.perf_counter()
    try:
        if not isinstance(inputs, dict):
            raise TypeError(_("The inputs must be a JSON object."))
        answer = _decision(rule).evaluate(inputs, {"trace": trace})
    except Exception as error:  # zen raises plain exceptions with JSON text
        return Result(
            Outcome.ERROR,
            [_("The rule could not be evaluated: %(error)s") % {"error": engine_message(error)}],
            duration_us=int((time.perf_counter() - started) * 1e6),
        )
    result = answer.get("result") if isinstance(answer, dict) else None
    outcome, reasons = normalise(result)
    return Result(
        outcome,
        reasons,
        outputs=result,
        trace=answer.get("trace") if isinstance(answer, dict) else None,
        duration_us=int((time.perf_counter() - started) * 1e6),
    )


def _evaluation(
    case: Case | None, rule: DecisionRule, result: Result, inputs: dict, decided: bool
) -> RuleEvaluation:
    return RuleEvaluation(
        case=case,
        rule=rule,
        revision=rule.revision,
        mode=rule.mode,
        inputs=inputs,
        outputs=result.outputs,
        trace=result.trace,
        outcome=result.outcome,
        reasons=list(result.reasons),
        decided=bool(decided),
        duration_us=max(0, int(result.duration_us)),
        at=timezone.now(),
    )


def record(
    case: Case | None, rule: DecisionRule, result: Result, inputs: dict, *, decided: bool
) -> RuleEvaluation:
    """Store one evaluation (one insert). ``decided``: the active rule whose outcome the
    orchestrator acted on; False for monitors and test-bench runs."""
    evaluation = _evaluation(case, rule, result, inputs, decided)
    return sql.insert(evaluation)  # append-only: an insert, never an update


def record_many(
    case: Case | None, entries: Iterable[tuple[DecisionRule, Result, dict, bool]]
) -> list[RuleEvaluation]:
    """Store several evaluations of one case in one ``bulk_create``:
    ``(rule, result, inputs, decided)`` each."""
    rows = [
        _evaluation(case, rule, result, inputs, decided)
        for rule, result, inputs, decided in entries
    ]
    return RuleEvaluation.objects.bulk_create(rows)


def evaluations_for(case: Case) -> list[RuleEvaluation]:
    """The case's evaluations, oldest first (the reason for its decision)."""
    return list(
        RuleEvaluation.objects.filter(case=case)
        .select_related("rule", "rule__item_version")
        .defer("rule__jdm")  # the graph is not shown; decoding it cost more than the rest
        .order_by("at", "pk")
    )


# ---------------------------------------------------------------- editing


def validate_jdm(raw: bytes | str) -> dict:
    """The JDM document in ``raw``, or ``ValidationError`` saying what is wrong with it."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."), code="jdm_json") from None
    if not raw.strip():
        raise ValidationError(_("The file is empty."), code="jdm_json")
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise ValidationError(
            _("The file is not JSON: %(error)s") % {"error": error}, code="jdm_json"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("nodes"), list):
        raise ValidationError(
            _("The file is not a JDM decision graph (it has no list of nodes)."), code="jdm_graph"
        )
    if not isinstance(document.get("edges", []), list):
        raise ValidationError(
            _("The file is not a JDM decision graph (its edges are not a list)."),
            code="jdm_graph",
        )
    kinds = [node.get("type") for node in document["nodes"] if isinstance(node, dict)]
    if "inputNode" not in kinds or "outputNode" not in kinds:
        raise ValidationError(
            _("A decision graph needs an input node and an output node."), code="jdm_nodes"
        )
    _check_edges(document)
    try:
        _compile(document)
    except Exception as error:
        raise ValidationError(
            _("The rule engine cannot load this graph: %(error)s")
            % {"error": engine_message(error)},
            code="jdm_engine",
        ) from None
    return document


def _check_edges(document: dict) -> None:
    """Every edge joins two nodes of the graph, and the graph has no cycle (the engine
    would only find out when evaluating)."""
    if not all(isinstance(n, dict) and isinstance(n.get("id"), str) for n in document["nodes"]):
        raise ValidationError(_("Every node of the graph needs a text id."), code="jdm_graph")
    ids = {node["id"] for node in document["nodes"]}
    following: dict[Any, list[Any]] = {}
    for edge in document.get("edges", []):
        if not isinstance(edge, dict):
            raise ValidationError(_("An edge of the graph is not an object."), code="jdm_graph")
        source, target = edge.get("sourceId"), edge.get("targetId")
        for end in (source, target):
            if not isinstance(end, str) or end not in ids:
                raise ValidationError(
                    _("An edge of the graph leads to a node that does not exist: %(id)s")
                    % {"id": end},
                    code="jdm_graph",
                )
        following.setdefault(source, []).append(target)
    # Kahn's algorithm: a graph without cycles can be emptied by removing sources.
    incoming = dict.fromkeys(ids, 0)
    for targets in following.values():
        for target in targets:
            incoming[target] += 1
    ready = [node for node, count in incoming.items() if count == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for target in following.get(node, []):
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    if removed < len(ids):
        raise ValidationError(_("The graph has a cycle."), code="jdm_graph")


def check_sources(sources: Iterable[str]) -> list[str]:
    """The source codes, sorted and unique; ``ValidationError`` for an unknown one."""
    sources = [str(s).strip() for s in (sources or []) if str(s).strip()]
    unknown = sorted(set(sources) - set(SOURCE_CODES))
    if unknown:
        raise ValidationError(
            _("Unknown data sources: %(codes)s") % {"codes": ", ".join(unknown)}, code="sources"
        )
    return sorted(set(sources))


def _check_mode(mode: str) -> str:
    if mode not in Mode.values:
        raise ValidationError(
            _("Unknown mode %(mode)r: use active, monitor or off.") % {"mode": mode}, code="mode"
        )
    return mode


def upload(
    principal: Principal,
    item_version: ItemVersion,
    raw_jdm: bytes | str,
    *,
    name: str,
    sources: Iterable[str],
    effective_from: dt.date,
    mode: str = Mode.MONITOR,
    note: str = "",
    tests: list[dict] | None = None,
) -> DecisionRule:
    """A new revision of ``item_version``'s rule (catalog administrators). The previous
    revision's tests are copied to it; ``tests`` (``RuleTest`` fields) are added. Bad
    input raises ``ValidationError`` and saves nothing."""
    policy.require(principal, "rules.edit", item_version)
    document = validate_jdm(raw_jdm)
    _check_mode(mode)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the rule a name."), code="name")
    if not isinstance(effective_from, dt.date):
        raise ValidationError(_("Give the date the rule takes effect."), code="effective_from")
    sources = check_sources(sources)
    with transaction.atomic():
        # Serialises uploads for one item version: revisions are numbered without gaps.
        ItemVersion.objects.select_for_update().filter(pk=item_version.pk).first()
        previous = (
            DecisionRule.objects.filter(item_version_id=item_version.pk)
            .order_by("-revision")
            .first()
        )
        rule = DecisionRule.objects.create(
            item_version=item_version,
            revision=(previous.revision + 1) if previous else 1,
            name=name[:200],
            jdm=document,
            jdm_sha256=jdm_sha256(document),
            sources=sources,
            effective_from=effective_from,
            mode=mode,
            note=(note or "").strip(),
            uploaded_by=principal.user,
            uploaded_at=timezone.now(),
        )
        copied = [
            RuleTest(
                rule=rule,
                name=t.name,
                inputs=t.inputs,
                expected_outcome=t.expected_outcome,
                expected_reason_contains=t.expected_reason_contains,
            )
            for t in (previous.tests.all() if previous else [])
        ]
        copied += [RuleTest(rule=rule, **spec) for spec in tests or []]
        RuleTest.objects.bulk_create(copied)
        audit.record(
            "rules.upload",
            rule,
            changes={
                "revision": rule.revision,
                "mode": mode,
                "effective_from": effective_from.isoformat(),
                "sources": sources,
                "jdm_sha256": rule.jdm_sha256,
                "tests": len(copied),
            },
            actor=principal.actor,
        )
    return rule


def set_mode(
    principal: Principal,
    rule: DecisionRule,
    mode: str,
    effective_from: dt.date | None = None,
) -> DecisionRule:
    """Change a revision's mode (and effective date); audited. The JDM stays as it is."""
    policy.require(principal, "rules.edit", rule)
    _check_mode(mode)
    with transaction.atomic():
        rule = DecisionRule.objects.select_for_update().get(pk=rule.pk)
        before_mode, before_date = rule.mode, rule.effective_from
        rule.mode = mode
        if effective_from is not None:
            rule.effective_from = effective_from
        if (before_mode, before_date) == (rule.mode, rule.effective_from):
            return rule
        rule.save(update_fields=["mode", "effective_from"])
        audit.record(
            "rules.set_mode",
            rule,
            changes={
                "mode": [before_mode, rule.mode],
                "effective_from": [before_date.isoformat(), rule.effective_from.isoformat()],
            },
            actor=principal.actor,
        )
    return rule


@dataclass
class TestOutcome:
    """A shipped test run against its rule."""

    __test__ = False  # not a pytest class

    test: RuleTest
    result: Result
    passed: bool


def run_test(rule: DecisionRule, test: RuleTest) -> TestOutcome:
    result = evaluate(rule, test.inputs)
    wanted = test.expected_reason_contains
    passed = result.outcome == test.expected_outcome and (
        not wanted or any(wanted in reason for reason in result.reasons)
    )
    return TestOutcome(test, result, passed)


def run_tests(rule: DecisionRule) -> list[TestOutcome]:
    """Every test of the revision, run now (nothing recorded)."""
    return [run_test(rule, test) for test in rule.tests.all()]


def add_test(
    principal: Principal,
    rule: DecisionRule,
    *,
    name: str,
    inputs: dict,
    expected_outcome: str,
    expected_reason_contains: str = "",
) -> RuleTest:
    """A test for the revision (the test bench's "save as test"); audited."""
    policy.require(principal, "rules.edit", rule)
    if expected_outcome not in (Outcome.APPROVE, Outcome.REFER):
        raise ValidationError(_("A test expects approve or refer."), code="expected")
    if not isinstance(inputs, dict):
        raise ValidationError(_("The inputs must be a JSON object."), code="inputs")
    with transaction.atomic():
        test = RuleTest.objects.create(
            rule=rule,
            name=(name or "").strip()[:200] or _("Test %(n)s") % {"n": rule.tests.count() + 1},
            inputs=inputs,
            expected_outcome=expected_outcome,
            expected_reason_contains=(expected_reason_contains or "").strip()[:200],
        )
        audit.record(
            "rules.add_test",
            rule,
            changes={"test": test.name, "expected_outcome": expected_outcome},
            actor=principal.actor,
        )
    return test
