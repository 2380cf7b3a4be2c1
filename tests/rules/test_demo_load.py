"""``demo_data.load``: the demo rules as active revision 1 of their item versions from
2026-01-01, with their shipped tests, idempotent; in the demo city they pass their tests
and the catalog administrator sees them."""

import datetime as dt

import pytest

from tongban.rules import demo_data, services
from tongban.rules.models import DecisionRule, Mode, RuleTest

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_load_is_idempotent(rules_world):
    versions = {"elderly_card": rules_world.version, "senior_allowance": rules_world.other_version}
    first = demo_data.load(versions | {"nurse_renewal": None})
    again = demo_data.load(versions)
    assert [r.pk for r in first] == [r.pk for r in again]
    assert DecisionRule.objects.count() == 2
    rule = DecisionRule.objects.get(item_version=rules_world.version)
    assert (rule.revision, rule.mode, rule.effective_from) == (1, Mode.ACTIVE, dt.date(2026, 1, 1))
    assert rule.sources == ["population"]
    assert RuleTest.objects.filter(rule=rule).count() == len(
        demo_data.DEMO_RULES["elderly_card"].tests
    )
    assert services.rules_in_force(rules_world.version, dt.date(2026, 11, 28)).active == rule


def test_the_demo_city_has_every_demo_rule_passing_its_tests(demo_city):
    rules = list(DecisionRule.objects.all())
    assert len(rules) == len(demo_data.DEMO_RULES)
    for rule in rules:
        runs = services.run_tests(rule)
        assert len(runs) >= 3
        assert all(run.passed for run in runs), (rule.name, [r.result.reasons for r in runs])
    page = client_for("catalog").get("/workbench/rules/")
    assert page.status_code == 200
    assert page.content.count(b"data-deciding") == len(demo_data.DEMO_RULES)
