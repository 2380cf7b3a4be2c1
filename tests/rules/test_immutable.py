"""A revision's JDM never changes (a new file is a new revision); its mode and effective
date do, audited; evaluations are append-only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.core.models import AuditEntry
from tongban.rules import services
from tongban.rules.models import DecisionRule, Mode, RuleEvaluation

from .conftest import ELDERLY_JDM

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(rules_world):
    return services.upload(
        rules_world.p(rules_world.catalog_admin), rules_world.version, ELDERLY_JDM,
        name="r", sources=["population"], effective_from=dt.date(2026, 1, 1),
    )  # fmt: skip


def test_the_jdm_cannot_be_changed(rule):
    rule.jdm = {"nodes": [], "edges": []}
    with pytest.raises(ValidationError) as refused:
        rule.save()
    assert refused.value.code == "jdm_immutable"
    rule.refresh_from_db()
    assert rule.jdm["nodes"]


def test_saving_other_fields_keeps_the_jdm(rule):
    rule.note = "说明"
    rule.save()
    rule.refresh_from_db()
    assert rule.note == "说明" and rule.jdm["nodes"]


def test_a_mode_change_is_audited(rules_world, rule):
    admin = rules_world.p(rules_world.catalog_admin)
    services.set_mode(admin, rule, Mode.ACTIVE, dt.date(2026, 3, 1))
    rule.refresh_from_db()
    assert (rule.mode, rule.effective_from) == (Mode.ACTIVE, dt.date(2026, 3, 1))
    entry = AuditEntry.objects.get(action="rules.set_mode", object_id=str(rule.pk))
    assert entry.changes == {
        "mode": ["monitor", "active"],
        "effective_from": ["2026-01-01", "2026-03-01"],
    }
    assert entry.actor_user_id == rules_world.catalog_admin.pk


def test_no_change_no_audit_entry(rules_world, rule):
    services.set_mode(rules_world.p(rules_world.catalog_admin), rule, rule.mode)
    assert not AuditEntry.objects.filter(action="rules.set_mode").exists()


def test_a_bad_mode_or_a_clerk_changes_nothing(rules_world, rule):
    with pytest.raises(ValidationError):
        services.set_mode(rules_world.p(rules_world.catalog_admin), rule, "deny")
    with pytest.raises(PermissionDenied):
        services.set_mode(rules_world.p(rules_world.clerk), rule, Mode.ACTIVE)
    rule.refresh_from_db()
    assert rule.mode == Mode.MONITOR
    assert not AuditEntry.objects.filter(action="rules.set_mode").exists()


def test_evaluations_are_append_only(rule):
    result = services.evaluate(rule, {"population": {"found": False}})
    evaluation = services.record(
        None, rule, result, {"population": {"found": False}}, decided=False
    )
    evaluation.outcome = "approve"
    with pytest.raises(ValidationError):
        evaluation.save()
    assert RuleEvaluation.objects.get().outcome == "refer"
    assert DecisionRule.objects.count() == 1
