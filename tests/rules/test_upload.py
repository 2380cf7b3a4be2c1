"""Uploading a JDM file: catalog administrators (and platform administrators) only; each
upload is the next revision with the previous revision's tests; bad input saves nothing;
audited."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.core.models import AuditEntry
from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES
from tongban.rules.models import DecisionRule, Mode, RuleTest, jdm_sha256

from .conftest import ELDERLY_JDM

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)
SHIPPED = [
    {k: t[k] for k in ("name", "inputs", "expected_outcome", "expected_reason_contains")}
    for t in DEMO_RULES["elderly_card"].tests
]


def upload(world, user=None, raw=ELDERLY_JDM, **overrides):
    arguments = {"name": "老年人优待证规则", "sources": ["population"], "effective_from": DAY}
    arguments |= overrides
    return services.upload(world.p(user or world.catalog_admin), world.version, raw, **arguments)


def test_revisions_are_numbered_per_item_version(rules_world):
    first = upload(rules_world, tests=SHIPPED)
    second = upload(rules_world)
    other = services.upload(
        rules_world.p(rules_world.catalog_admin), rules_world.other_version, ELDERLY_JDM,
        name="高龄津贴", sources=[], effective_from=DAY,
    )  # fmt: skip
    assert (first.revision, second.revision, other.revision) == (1, 2, 1)
    assert first.jdm == json.loads(ELDERLY_JDM)
    assert first.jdm_sha256 == jdm_sha256(first.jdm)
    assert first.uploaded_by == rules_world.catalog_admin
    assert first.mode == Mode.MONITOR  # the default: try it on live traffic first


def test_the_previous_revisions_tests_are_copied_forward(rules_world):
    first = upload(rules_world, tests=SHIPPED)
    second = upload(rules_world)
    assert first.tests.count() == second.tests.count() == len(SHIPPED)
    assert RuleTest.objects.count() == 2 * len(SHIPPED)
    assert all(run.passed for run in services.run_tests(second))
    assert {t.expected_reason_contains for t in second.tests.all()} == {
        t["expected_reason_contains"] for t in SHIPPED
    }


def test_the_upload_is_audited(rules_world):
    rule = upload(rules_world, mode=Mode.ACTIVE)
    entry = AuditEntry.objects.get(action="rules.upload", object_id=str(rule.pk))
    assert entry.actor_user_id == rules_world.catalog_admin.pk
    assert entry.changes["revision"] == 1 and entry.changes["mode"] == "active"


def test_a_platform_administrator_may_upload(rules_world):
    assert upload(rules_world, rules_world.platform_admin).revision == 1


def test_a_clerk_may_not(rules_world):
    with pytest.raises(PermissionDenied):
        upload(rules_world, rules_world.clerk)
    assert not DecisionRule.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"raw": b"{oops"}, "jdm_json"),
        ({"name": "  "}, "name"),
        ({"sources": ["population", "horoscope"]}, "sources"),
        ({"mode": "deny"}, "mode"),
        ({"effective_from": "2026-12-01"}, "effective_from"),
    ],
)
def test_bad_input_saves_nothing(rules_world, overrides, code):
    upload(rules_world, tests=SHIPPED)
    with pytest.raises(ValidationError) as refused:
        upload(rules_world, **overrides)
    assert refused.value.code == code
    assert DecisionRule.objects.count() == 1
    assert RuleTest.objects.count() == len(SHIPPED)
    assert AuditEntry.objects.filter(action="rules.upload").count() == 1


def test_sources_are_stored_sorted_and_unique(rules_world):
    rule = upload(rules_world, sources=["population", "credit", "population", " "])
    assert rule.sources == ["credit", "population"]
