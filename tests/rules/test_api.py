"""The rules API: list, read, upload (multipart), download, mode, test bench, and a
case's evaluations for whoever may view the case. Errors are ``{"code", "message"}``."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import applicant_account
from tongban.core.models import AuditEntry
from tongban.rules import services
from tongban.rules.demo_data import person, sample
from tongban.rules.models import DecisionRule, Mode, RuleEvaluation

from .conftest import ELDERLY_JDM, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(rules_world):
    return services.upload(
        rules_world.p(rules_world.catalog_admin), rules_world.version, ELDERLY_JDM,
        name="老年人优待证规则", sources=["population"], effective_from=dt.date(2026, 1, 1),
        mode=Mode.ACTIVE,
    )  # fmt: skip


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_list_and_read(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    listed = client.get("/api/v1/rules", {"item_version": rules_world.version.pk}).json()
    assert [r["id"] for r in listed["items"]] == [rule.pk]
    assert listed["items"][0] | {"uploaded_at": None} == {
        "id": rule.pk, "item_version": rules_world.version.pk, "item_name": "老年人优待证办理",
        "revision": 1, "name": "老年人优待证规则", "sources": ["population"],
        "effective_from": "2026-01-01", "mode": "active", "jdm_sha256": rule.jdm_sha256,
        "note": "", "uploaded_at": None,
    }  # fmt: skip
    empty = client.get("/api/v1/rules", {"item_version": rules_world.other_version.pk}).json()
    assert empty["items"] == []
    assert client.get(f"/api/v1/rules/{rule.pk}").json()["revision"] == 1
    assert client.get(f"/api/v1/rules/{rule.pk}/jdm").json() == json.loads(ELDERLY_JDM)
    missing = client.get("/api/v1/rules/999999")
    assert missing.status_code == 404 and missing.json()["code"]


def test_upload_multipart(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    uploaded = client.post(
        "/api/v1/rules",
        {"item_version": rules_world.version.pk, "name": "第二版", "effective_from": "2026-12-01",
         "sources": ["population", "credit"], "mode": "monitor",
         "jdm": SimpleUploadedFile("r.json", ELDERLY_JDM, content_type="application/json")},
    )  # fmt: skip
    assert uploaded.status_code == 201
    body = uploaded.json()
    assert body["revision"] == 2 and body["sources"] == ["credit", "population"]
    assert body["mode"] == "monitor"


def test_a_bad_file_is_a_400_and_saves_nothing(rules_world, rule):
    answer = client_for(rules_world.catalog_admin).post(
        "/api/v1/rules",
        {"item_version": rules_world.version.pk, "name": "坏", "effective_from": "2026-12-01",
         "jdm": SimpleUploadedFile("r.json", b"{nope", content_type="application/json")},
    )  # fmt: skip
    assert answer.status_code == 400
    assert set(answer.json()) >= {"code", "message"}
    assert DecisionRule.objects.count() == 1


def test_a_clerk_cannot_upload_or_change_modes(rules_world, rule):
    client = client_for(rules_world.clerk)
    refused = client.post(
        "/api/v1/rules",
        {"item_version": rules_world.version.pk, "name": "x", "effective_from": "2026-12-01",
         "jdm": SimpleUploadedFile("r.json", ELDERLY_JDM, content_type="application/json")},
    )  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"]
    assert post_json(client, f"/api/v1/rules/{rule.pk}/mode", {"mode": "off"}).status_code == 403
    rule.refresh_from_db()
    assert rule.mode == "active" and DecisionRule.objects.count() == 1


def test_mode_change(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    changed = post_json(
        client, f"/api/v1/rules/{rule.pk}/mode", {"mode": "off", "effective_from": "2026-03-01"}
    )
    assert changed.status_code == 200
    assert changed.json()["mode"] == "off" and changed.json()["effective_from"] == "2026-03-01"
    assert AuditEntry.objects.filter(action="rules.set_mode").count() == 1
    bad = post_json(client, f"/api/v1/rules/{rule.pk}/mode", {"mode": "deny"})
    assert bad.status_code == 400 and bad.json()["code"]


def test_the_test_bench_records_nothing(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    inputs = sample("x", "refer")["inputs"] | {"population": person(age=59)}
    result = post_json(client, f"/api/v1/rules/{rule.pk}/evaluate", {"inputs": inputs}).json()
    assert result["outcome"] == "refer" and result["reasons"] == ["年龄未满60周岁"]
    assert result["outputs"] and result["trace"] and result["duration_us"] >= 0
    ok = post_json(
        client, f"/api/v1/rules/{rule.pk}/evaluate", {"inputs": {"population": person()}}
    )
    assert ok.json()["outcome"] == "approve"
    assert not RuleEvaluation.objects.exists()


def test_anonymous_is_a_401(rules_world, rule):
    assert Client().get("/api/v1/rules").status_code == 401


def test_a_cases_evaluations_for_whoever_may_view_the_case(rules_world, rule):
    case = rules_world.case()
    inputs = {"population": person()}
    services.record(case, rule, services.evaluate(rule, inputs), inputs, decided=True)
    url = f"/api/v1/rules/cases/{case.pk}/evaluations"
    owner = client_for(case.applicant.account).get(url)
    assert owner.status_code == 200
    [item] = owner.json()["items"]
    assert item["outcome"] == "approve" and item["decided"] is True
    assert item["rule"] == rule.pk and item["revision"] == 1 and item["inputs"] == inputs
    stranger_user, _applicant = applicant_account(name="李四")
    assert client_for(stranger_user).get(url).status_code == 403
    assert (
        client_for(rules_world.catalog_admin)
        .get("/api/v1/rules/cases/99999999/evaluations")
        .status_code
        == 404
    )
