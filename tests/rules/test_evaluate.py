"""``evaluate`` is pure and never denies: it approves only when the rule says so
unambiguously; anything else refers, and an engine error is ``error`` (never approve).
``normalise`` turns a result (one row or a collect list) into outcome and reasons."""

import pytest

from tongban.rules import services
from tongban.rules.demo_data import person, sample
from tongban.rules.models import Outcome, RuleEvaluation

from .conftest import expression, graph, rule_from, unsaved_rule


def result_rule(**values: str):
    """A rule whose result is the expression node's values (each a zen expression)."""
    return rule_from(graph(expression(**values)))


def test_approve_with_trace_and_timing():
    result = services.evaluate(
        unsaved_rule("elderly_card"), sample("x", "refer")["inputs"] | {"population": person()}
    )
    assert result.outcome == Outcome.APPROVE and result.approves
    assert result.reasons == []
    assert result.outputs == [{"outcome": "approve", "reason": "符合全部条件"}]
    assert {"input", "conditions", "output"} <= set(result.trace)
    assert result.duration_us > 0


def test_refer_with_the_reasons_of_every_failed_condition():
    population = person(age=59, household_city="370100")
    result = services.evaluate(
        unsaved_rule("elderly_card"), sample("x", "refer")["inputs"] | {"population": population}
    )
    assert result.outcome == Outcome.REFER
    assert result.reasons == ["年龄未满60周岁", "户籍不在本市"]


@pytest.mark.django_db
def test_evaluate_writes_nothing():
    services.evaluate(unsaved_rule("elderly_card"), {"population": person()})
    assert not RuleEvaluation.objects.exists()


def test_an_engine_error_is_error_never_approve():
    rule = result_rule(outcome='"approve"', boom="1 +")
    result = services.evaluate(rule, {})
    assert result.outcome == Outcome.ERROR
    assert "1 +" in result.reasons[0]
    assert "Stack backtrace" not in result.reasons[0]


def test_inputs_that_are_not_an_object_are_an_error():
    assert services.evaluate(unsaved_rule("elderly_card"), ["x"]).outcome == Outcome.ERROR


@pytest.mark.parametrize(
    ("values", "outcome", "reasons"),
    [
        ({"outcome": '"approve"'}, Outcome.APPROVE, []),
        ({"outcome": '"refer"', "reason": '"查无记录"'}, Outcome.REFER, ["查无记录"]),
        ({"outcome": '"refer"', "reasons": '["甲", "乙"]'}, Outcome.REFER, ["甲", "乙"]),
        ({"outcome": '"deny"', "reason": '"不予批准"'}, Outcome.REFER, ["不予批准"]),
        ({"outcome": '"Approve"'}, Outcome.REFER, None),
        ({"outcome": "true"}, Outcome.REFER, None),
        ({"verdict": '"approve"'}, Outcome.REFER, None),
    ],
)
def test_the_output_convention_for_one_row(values, outcome, reasons):
    result = services.evaluate(result_rule(**values), {})
    assert result.outcome == outcome
    assert result.outcome != "deny"
    if reasons is not None:
        assert result.reasons == reasons
    else:
        assert result.reasons  # a generic reason, never empty when referred


@pytest.mark.parametrize(
    ("rows", "outcome", "reasons"),
    [
        ([{"outcome": "approve"}], Outcome.APPROVE, []),
        ([{"outcome": "approve"}, {"outcome": "approve", "reason": "好"}], Outcome.APPROVE, []),
        ([], Outcome.REFER, None),
        ([{"outcome": "approve"}, {"outcome": "refer", "reason": "甲"}], Outcome.REFER, ["甲"]),
        (
            [
                {"outcome": "refer", "reasons": ["甲", "", None]},
                {"outcome": "refer", "reason": "乙"},
            ],
            Outcome.REFER,
            ["甲", "乙"],
        ),
        ([{"outcome": "approve"}, "approve"], Outcome.REFER, None),
        ([{"outcome": "refer"}], Outcome.REFER, None),
        (None, Outcome.REFER, None),
        ("approve", Outcome.REFER, None),
    ],
)
def test_collect_results_approve_only_when_every_row_approves(rows, outcome, reasons):
    got, why = services.normalise(rows)
    assert got == outcome
    if reasons is not None:
        assert why == reasons
    else:
        assert why


def test_the_compiled_decision_is_reused():
    rule = unsaved_rule("senior_allowance")
    services.evaluate(rule, {})
    compiled = services._compiled[rule.jdm_sha256]
    services.evaluate(unsaved_rule("senior_allowance"), {})
    assert services._compiled[rule.jdm_sha256] is compiled
