"""Recording evaluations: one row per evaluation with inputs, outputs, trace, revision and
mode at the time; ``decided`` as the orchestrator says; a case's evaluations in order."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.rules import services
from tongban.rules.demo_data import person, sample
from tongban.rules.models import Mode, RuleEvaluation

from .conftest import ELDERLY_JDM

pytestmark = pytest.mark.django_db

INPUTS = sample("x", "approve")["inputs"] | {"population": person(age=70)}


def upload(world, mode):
    return services.upload(
        world.p(world.catalog_admin), world.version, ELDERLY_JDM, name="r",
        sources=["population"], effective_from=dt.date(2026, 1, 1), mode=mode,
    )  # fmt: skip


def test_record_stores_everything_in_one_insert(rules_world):
    rule = upload(rules_world, Mode.ACTIVE)
    case = rules_world.case()
    result = services.evaluate(rule, INPUTS)
    with CaptureQueriesContext(connection) as queries:
        evaluation = services.record(case, rule, result, INPUTS, decided=True)
    assert len(queries) == 1
    stored = RuleEvaluation.objects.get(pk=evaluation.pk)
    assert (stored.case, stored.rule, stored.revision, stored.mode) == (case, rule, 1, "active")
    assert stored.outcome == "approve" and stored.decided
    assert stored.inputs == INPUTS
    assert stored.outputs == [{"outcome": "approve", "reason": "符合全部条件"}]
    assert "conditions" in stored.trace
    assert stored.reasons == [] and stored.duration_us > 0


def test_the_mode_at_the_time_is_kept(rules_world):
    rule = upload(rules_world, Mode.MONITOR)
    case = rules_world.case()
    result = services.evaluate(rule, INPUTS | {"population": person(age=50)})
    evaluation = services.record(case, rule, result, INPUTS, decided=False)
    services.set_mode(rules_world.p(rules_world.catalog_admin), rule, Mode.ACTIVE)
    evaluation.refresh_from_db()
    assert (evaluation.mode, evaluation.decided) == ("monitor", False)
    assert evaluation.reasons == ["年龄未满60周岁"]


def test_record_many_and_evaluations_for_in_order(rules_world):
    active = upload(rules_world, Mode.ACTIVE)
    monitor = upload(rules_world, Mode.MONITOR)
    case, other = rules_world.case(), rules_world.case()
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        services.record(other, active, services.evaluate(active, INPUTS), INPUTS, decided=True)
        with CaptureQueriesContext(connection) as queries:
            services.record_many(
                case,
                [
                    (active, services.evaluate(active, INPUTS), INPUTS, True),
                    (monitor, services.evaluate(monitor, {}), {}, False),
                ],
            )
    assert len(queries) == 1
    found = services.evaluations_for(case)
    assert [(e.rule, e.decided) for e in found] == [(active, True), (monitor, False)]
    assert [e.outcome for e in found] == ["approve", "refer"]
    assert services.evaluations_for(rules_world.case()) == []


def test_a_test_bench_run_may_be_recorded_without_a_case(rules_world):
    rule = upload(rules_world, Mode.ACTIVE)
    evaluation = services.record(None, rule, services.evaluate(rule, INPUTS), INPUTS, decided=False)
    assert evaluation.case is None and evaluation.pk
