"""Every demo rule passes the tests shipped with it, and is never fooled into approving by
missing data."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES, person, sample
from tongban.rules.models import DecisionRule, Mode, Outcome


def rule_of(key: str) -> DecisionRule:
    spec = DEMO_RULES[key]
    jdm = spec.jdm
    return DecisionRule(
        pk=None,
        revision=1,
        name=spec.name,
        jdm=jdm,
        jdm_sha256=services._sha(jdm),
        sources=list(spec.sources),
        effective_from=dt.date(2026, 1, 1),
        mode=Mode.ACTIVE,
    )


CASES = [(key, index) for key, spec in DEMO_RULES.items() for index in range(len(spec.tests))]


@pytest.mark.parametrize(("key", "index"), CASES)
def test_shipped_test_passes(key, index):
    spec = DEMO_RULES[key]
    shipped = spec.tests[index]
    result = services.evaluate(rule_of(key), shipped["inputs"])
    assert result.outcome == shipped["expected_outcome"], (shipped["name"], result.reasons)
    if shipped["expected_reason"]:
        assert any(shipped["expected_reason"] in r for r in result.reasons), result.reasons


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_no_data_at_all_is_referred(key):
    inputs = sample("empty", "refer")["inputs"] | {
        code: {"found": False, "error": "timeout"} for code in DEMO_RULES[key].sources
    }
    result = services.evaluate(rule_of(key), inputs)
    assert result.outcome == Outcome.REFER
    assert result.reasons


@given(age=st.integers(min_value=0, max_value=120))
def test_the_elderly_card_rule_approves_exactly_from_60(age):
    result = services.evaluate(
        rule_of("elderly_card"), sample("x", "refer")["inputs"] | {"population": person(age=age)}
    )
    assert result.outcome in (Outcome.APPROVE, Outcome.REFER)  # never anything else
    assert (result.outcome == Outcome.APPROVE) == (age >= 60)
