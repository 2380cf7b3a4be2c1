"""Every demo rule passes the tests shipped with it, and is never fooled into approving by
missing or mistyped data."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES, NOT_FOUND, person, sample
from tongban.rules.models import Outcome

from .conftest import unsaved_rule

CASES = [(key, index) for key, spec in DEMO_RULES.items() for index in range(len(spec.tests))]


@pytest.mark.parametrize(("key", "index"), CASES)
def test_shipped_test_passes(key, index):
    spec = DEMO_RULES[key]
    shipped = spec.tests[index]
    result = services.evaluate(unsaved_rule(key), shipped["inputs"])
    assert result.outcome == shipped["expected_outcome"], (shipped["name"], result.reasons)
    if shipped["expected_reason_contains"]:
        assert any(shipped["expected_reason_contains"] in r for r in result.reasons), (
            shipped["name"],
            result.reasons,
        )


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_every_demo_rule_ships_approve_and_refer_tests(key):
    outcomes = [t["expected_outcome"] for t in DEMO_RULES[key].tests]
    assert len(outcomes) >= 3
    assert {"approve", "refer"} <= set(outcomes)


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_an_approving_test_refers_when_any_source_is_missing(key):
    approving = next(t for t in DEMO_RULES[key].tests if t["expected_outcome"] == "approve")
    for code in DEMO_RULES[key].sources:
        result = services.evaluate(unsaved_rule(key), approving["inputs"] | {code: NOT_FOUND})
        assert result.outcome == Outcome.REFER, code
        assert any("未" in reason for reason in result.reasons), result.reasons


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_an_approving_test_refers_when_a_source_record_is_empty(key):
    """Found, but every field missing: no condition can be checked, so no approval."""
    approving = next(t for t in DEMO_RULES[key].tests if t["expected_outcome"] == "approve")
    for code in DEMO_RULES[key].sources:
        result = services.evaluate(unsaved_rule(key), approving["inputs"] | {code: {"found": True}})
        assert result.outcome == Outcome.REFER, code


@pytest.mark.parametrize("key", list(DEMO_RULES))
def test_no_data_at_all_is_referred(key):
    inputs = sample("empty", "refer")["inputs"] | {
        code: {"found": False, "error": "timeout"} for code in DEMO_RULES[key].sources
    }
    result = services.evaluate(unsaved_rule(key), inputs)
    assert result.outcome == Outcome.REFER
    assert result.reasons


def test_graduation_year_arithmetic_in_the_engine():
    """``context.year - year(education.graduated_on)``: zen parses the ISO date string."""
    rule = unsaved_rule("graduate_housing_subsidy")
    approving = DEMO_RULES["graduate_housing_subsidy"].tests[0]["inputs"]
    for graduated, context_year, outcome in [
        ("2021-12-31", 2026, Outcome.APPROVE),
        ("2020-06-30", 2026, Outcome.REFER),
        ("2020-06-30", 2025, Outcome.APPROVE),
    ]:
        inputs = approving | {
            "education": approving["education"] | {"graduated_on": graduated},
            "context": {"today": f"{context_year}-06-01", "year": context_year},
        }
        assert services.evaluate(rule, inputs).outcome == outcome, (graduated, context_year)


def test_the_teacher_rule_reads_the_school_level_from_the_form_before_the_answers():
    rule = unsaved_rule("teacher_qualification")
    base = DEMO_RULES["teacher_qualification"].tests[1]["inputs"]  # associate degree
    assert services.evaluate(rule, base).outcome == Outcome.APPROVE  # 幼儿园 from answers
    high = base | {"form": {"school_level": "中等职业学校", "subject": "数学"}}
    assert services.evaluate(rule, high).outcome == Outcome.REFER
    unknown = base | {"answers": [], "form": {}}
    assert "未能确定申请认定的学段" in services.evaluate(rule, unknown).reasons


@settings(max_examples=150, deadline=None)
@given(age=st.integers(min_value=0, max_value=120))
def test_the_elderly_card_rule_approves_exactly_from_60(age):
    result = services.evaluate(
        unsaved_rule("elderly_card"),
        sample("x", "refer")["inputs"] | {"population": person(age=age)},
    )
    assert result.outcome in (Outcome.APPROVE, Outcome.REFER)  # never deny, never error
    assert (result.outcome == Outcome.APPROVE) == (age >= 60)


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1000, max_value=1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(
    age=st.one_of(
        st.integers(min_value=-5, max_value=59),
        st.floats(max_value=59.999, allow_nan=False, allow_infinity=False),
        st.none(),
        st.booleans(),
        st.text(max_size=8),
        st.lists(st.integers(), max_size=3),
    ),
    alive=JUNK,
    city=st.one_of(st.just("371400"), JUNK),
    found=st.one_of(st.just(True), JUNK),
)
def test_the_elderly_card_rule_never_approves_under_60_or_on_junk(age, alive, city, found):
    """Whatever the other fields hold, an age under 60 or not a number never approves."""
    population = {"found": found, "age": age, "alive": alive, "household_city": city}
    result = services.evaluate(
        unsaved_rule("elderly_card"), sample("x", "refer")["inputs"] | {"population": population}
    )
    assert result.outcome in (Outcome.REFER, Outcome.ERROR)  # never approve, never deny
    assert result.outcome != "deny"
    assert result.reasons
