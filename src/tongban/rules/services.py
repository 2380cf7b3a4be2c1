"""Decision rules: which are in force, evaluating one, recording what it said.

Output convention (the demo rules follow it; the upload page says so): the decision's
result has ``outcome`` ("approve" or "refer") and ``reason`` (text) or ``reasons`` (a
list). A ``collect`` decision table returns a list of such rows: the rule approves only
when the list is not empty and every row approves; the reasons are those of the rows
that do not. Anything else — no outcome, an unknown one, an engine error — refers the
case to a person. A rule never denies: a person does.
"""

import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.core import audit
from tongban.org import policy
from tongban.org.models import StaffRole
from tongban.org.policy import Principal

from .models import SOURCE_CODES, DecisionRule, Mode, Outcome, RuleEvaluation, RuleTest


@dataclass(frozen=True)
class InForce:
    active: DecisionRule | None
    monitors: list[DecisionRule] = field(default_factory=list)


@dataclass
class Result:
    outcome: str
    reasons: list[str]
    outputs: Any = None
    trace: Any = None
    duration_us: int = 0


# ---------------------------------------------------------------- in force

# Per process, a few seconds: every submission asks. A change made here clears it at
# once (``post_save``); other processes see it within the TTL.
_CACHE_SECONDS = 10.0
_in_force: dict[tuple[int, dt.date], tuple[float, InForce]] = {}
_lock = threading.Lock()


def _forget(**_kwargs) -> None:
    with _lock:
        _in_force.clear()


post_save.connect(_forget, sender=DecisionRule, dispatch_uid="rules.forget_in_force")


def rules_in_force(version: ItemVersion, on: dt.date) -> InForce:
    """The newest active revision effective on ``on``, and the monitors effective then."""
    key = (version.pk, on)
    now = time.monotonic()
    cached = _in_force.get(key)
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    rules = list(
        DecisionRule.objects.filter(
            item_version_id=version.pk, effective_from__lte=on, mode__in=[Mode.ACTIVE, Mode.MONITOR]
        ).order_by("-revision")
    )
    active = next((r for r in rules if r.mode == Mode.ACTIVE), None)
    found = InForce(active, [r for r in rules if r.mode == Mode.MONITOR])
    with _lock:
        _in_force[key] = (now, found)
    return found


def has_rules(version: ItemVersion) -> bool:
    return DecisionRule.objects.filter(item_version=version).exists()


def sources_for(version: ItemVersion, on: dt.date) -> set[str]:
    in_force = rules_in_force(version, on)
    rules = ([in_force.active] if in_force.active else []) + in_force.monitors
    return {code for rule in rules for code in (rule.sources or [])}


# ---------------------------------------------------------------- evaluating

_compiled: dict[str, Any] = {}


def _engine():
    import zen

    engine = _compiled.get("__engine__")
    if engine is None:
        engine = _compiled["__engine__"] = zen.ZenEngine()
    return engine


def _decision(rule: DecisionRule):
    decision = _compiled.get(rule.jdm_sha256)
    if decision is None:
        decision = _engine().create_decision(json.dumps(rule.jdm, ensure_ascii=False))
        _compiled[rule.jdm_sha256] = decision
    return decision


def normalise(result: Any) -> tuple[str, list[str]]:
    """(outcome, reasons) from a decision's result, by the convention above."""
    rows = result if isinstance(result, list) else [result]
    if not rows or not all(isinstance(row, dict) for row in rows):
        return Outcome.REFER, [_("The rule gave no outcome.")]
    reasons: list[str] = []
    approves = True
    for row in rows:
        if row.get("outcome") != Outcome.APPROVE:
            approves = False
            if isinstance(row.get("reasons"), list):
                reasons += [str(r) for r in row["reasons"] if r]
            elif row.get("reason"):
                reasons.append(str(row["reason"]))
    if approves:
        return Outcome.APPROVE, []
    return Outcome.REFER, reasons or [_("The rule did not approve.")]


def evaluate(rule: DecisionRule, inputs: dict[str, Any], *, trace: bool = True) -> Result:
    """Run ``rule`` on ``inputs`` (pure: nothing is written)."""
    started = time.perf_counter()
    try:
        answer = _decision(rule).evaluate(inputs, {"trace": trace})
    except Exception as error:  # the engine's errors are plain exceptions with JSON text
        return Result(
            Outcome.ERROR,
            [_("The rule could not be evaluated: %(error)s") % {"error": str(error)[:300]}],
            duration_us=int((time.perf_counter() - started) * 1e6),
        )
    outcome, reasons = normalise(answer.get("result"))
    return Result(
        outcome,
        reasons,
        outputs=answer.get("result"),
        trace=answer.get("trace"),
        duration_us=int((time.perf_counter() - started) * 1e6),
    )


def record(
    case: Case | None, rule: DecisionRule, result: Result, inputs: dict, *, decided: bool
) -> RuleEvaluation:
    evaluation = RuleEvaluation(
        case=case,
        rule=rule,
        revision=rule.revision,
        mode=rule.mode,
        inputs=inputs,
        outputs=result.outputs,
        trace=result.trace,
        outcome=result.outcome,
        reasons=result.reasons,
        decided=decided,
        duration_us=result.duration_us,
        at=timezone.now(),
    )
    evaluation.save(force_insert=True)
    return evaluation


def evaluations_for(case: Case) -> list[RuleEvaluation]:
    return list(
        RuleEvaluation.objects.filter(case=case).select_related("rule").order_by("at", "pk")
    )


# ---------------------------------------------------------------- editing


def validate_jdm(raw: bytes | str) -> dict:
    """The JDM document in ``raw``, or ``ValidationError`` saying what is wrong with it."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The file is not JSON."), code="jdm_json") from None
    if not isinstance(document, dict) or not isinstance(document.get("nodes"), list):
        raise ValidationError(
            _("The file is not a JDM decision graph (it has no list of nodes)."), code="jdm_graph"
        )
    kinds = {node.get("type") for node in document["nodes"] if isinstance(node, dict)}
    if "inputNode" not in kinds or "outputNode" not in kinds:
        raise ValidationError(
            _("A decision graph needs an input node and an output node."), code="jdm_nodes"
        )
    try:
        _engine().create_decision(json.dumps(document, ensure_ascii=False))
    except Exception as error:
        raise ValidationError(
            _("The rule engine cannot load this graph: %(error)s") % {"error": str(error)[:300]},
            code="jdm_engine",
        ) from None
    return document


def _sha(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_sources(sources) -> list[str]:
    unknown = sorted(set(sources) - set(SOURCE_CODES))
    if unknown:
        raise ValidationError(
            _("Unknown data sources: %(codes)s") % {"codes": ", ".join(unknown)}, code="sources"
        )
    return sorted(set(sources))


@policy.rule("rules.edit", gettext_lazy("Only catalog administrators edit decision rules."))
def _may_edit(principal: Principal, _obj: Any = None) -> bool:
    return principal.is_platform_admin or principal.has_role(StaffRole.CATALOG_ADMIN)


def upload(
    principal: Principal,
    version: ItemVersion,
    raw_jdm: bytes | str,
    *,
    name: str,
    sources,
    effective_from: dt.date,
    mode: str = Mode.MONITOR,
    note: str = "",
    tests: list[dict] | None = None,
) -> DecisionRule:
    """A new revision for ``version``; the previous revision's tests come along."""
    if not policy.allows(principal, "rules.edit"):
        raise PermissionDenied(policy.refusal_message("rules.edit"))
    document = validate_jdm(raw_jdm)
    if mode not in Mode.values:
        raise ValidationError(_("Unknown mode."), code="mode")
    if not (name or "").strip():
        raise ValidationError(_("Give the rule a name."), code="name")
    sources = check_sources(sources)
    with transaction.atomic():
        ItemVersion.objects.select_for_update().filter(pk=version.pk).first()
        previous = DecisionRule.objects.filter(item_version=version).order_by("-revision").first()
        rule = DecisionRule.objects.create(
            item_version=version,
            revision=(previous.revision + 1) if previous else 1,
            name=name.strip()[:200],
            jdm=document,
            jdm_sha256=_sha(document),
            sources=sources,
            effective_from=effective_from,
            mode=mode,
            note=note.strip(),
            uploaded_by=principal.user,
            uploaded_at=timezone.now(),
        )
        carried = [
            RuleTest(
                rule=rule,
                name=t.name,
                inputs=t.inputs,
                expected_outcome=t.expected_outcome,
                expected_reason=t.expected_reason,
            )
            for t in (previous.tests.all() if previous else [])
        ]
        for spec in tests or []:
            carried.append(RuleTest(rule=rule, **spec))
        RuleTest.objects.bulk_create(carried)
        audit.record(
            "rules.upload",
            rule,
            changes={"revision": rule.revision, "mode": mode, "sources": sources},
            actor=principal.actor,
        )
    return rule


def set_mode(
    principal: Principal, rule: DecisionRule, mode: str, effective_from: dt.date | None = None
) -> DecisionRule:
    if not policy.allows(principal, "rules.edit"):
        raise PermissionDenied(policy.refusal_message("rules.edit"))
    if mode not in Mode.values:
        raise ValidationError(_("Unknown mode."), code="mode")
    with transaction.atomic():
        rule = DecisionRule.objects.select_for_update().get(pk=rule.pk)
        before = {"mode": rule.mode, "effective_from": rule.effective_from.isoformat()}
        rule.mode = mode
        if effective_from is not None:
            rule.effective_from = effective_from
        rule.save(update_fields=["mode", "effective_from"])
        audit.record(
            "rules.set_mode",
            rule,
            changes={
                "mode": [before["mode"], mode],
                "effective_from": [before["effective_from"], rule.effective_from.isoformat()],
            },
            actor=principal.actor,
        )
    return rule


@dataclass
class TestOutcome:
    test: RuleTest
    result: Result
    passed: bool


def run_test(rule: DecisionRule, test: RuleTest) -> TestOutcome:
    result = evaluate(rule, test.inputs)
    passed = result.outcome == test.expected_outcome and (
        not test.expected_reason or any(test.expected_reason in r for r in result.reasons)
    )
    return TestOutcome(test, result, passed)


def run_tests(rule: DecisionRule) -> list[TestOutcome]:
    return [run_test(rule, test) for test in rule.tests.all()]


def add_test(
    principal: Principal,
    rule: DecisionRule,
    *,
    name: str,
    inputs: dict,
    expected_outcome: str,
    expected_reason: str = "",
) -> RuleTest:
    if not policy.allows(principal, "rules.edit"):
        raise PermissionDenied(policy.refusal_message("rules.edit"))
    if expected_outcome not in (Outcome.APPROVE, Outcome.REFER):
        raise ValidationError(_("A test expects approve or refer."), code="expected")
    if not isinstance(inputs, dict):
        raise ValidationError(_("The inputs must be a JSON object."), code="inputs")
    test = RuleTest.objects.create(
        rule=rule,
        name=(name or "").strip()[:200] or _("Test"),
        inputs=inputs,
        expected_outcome=expected_outcome,
        expected_reason=(expected_reason or "").strip()[:200],
    )
    audit.record("rules.add_test", rule, changes={"test": test.name}, actor=principal.actor)
    return test
