"""The partial the staff case page includes: per evaluation the revision, mode, outcome,
reasons, whether it decided, and the inputs/outputs/trace to expand."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from tongban.rules import services
from tongban.rules.demo_data import person
from tongban.rules.models import Mode

from .conftest import ELDERLY_JDM

pytestmark = pytest.mark.django_db


def test_the_partial_shows_each_evaluation(rules_world):
    admin = rules_world.p(rules_world.catalog_admin)
    active = services.upload(
        admin, rules_world.version, ELDERLY_JDM, name="在用规则", sources=["population"],
        effective_from=dt.date(2026, 1, 1), mode=Mode.ACTIVE,
    )  # fmt: skip
    monitor = services.upload(
        admin, rules_world.version, ELDERLY_JDM, name="试运行规则", sources=["population"],
        effective_from=dt.date(2026, 1, 1), mode=Mode.MONITOR,
    )  # fmt: skip
    case = rules_world.case()
    young = {"population": person(age=59, name="赵小明")}
    services.record(case, active, services.evaluate(active, young), young, decided=True)
    services.record(case, monitor, services.evaluate(monitor, {}), {}, decided=False)
    html = render_to_string(
        "workbench/rules/_case_evaluations.html",
        {"rule_evaluations": services.evaluations_for(case)},
    )
    assert 'data-evaluation="refer" data-decided="true" data-mode="active"' in html
    assert 'data-evaluation="refer" data-decided="false" data-mode="monitor"' in html
    assert "r1" in html and "r2" in html
    assert "年龄未满60周岁" in html
    assert "赵小明" in html  # the inputs, as JSON, in the expandable part
    assert "<details>" in html


def test_no_evaluation(db):
    html = render_to_string("workbench/rules/_case_evaluations.html", {"rule_evaluations": []})
    assert "data-rule-evaluation-list" not in html
