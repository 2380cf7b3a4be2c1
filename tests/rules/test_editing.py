"""Editing rules: only catalog administrators upload; each upload is the next revision
with the previous tests; a bad file changes nothing; the mode decides what is in force;
the pages and the API work for them and refuse others."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.instant.conftest import client_for, demo_city  # noqa: F401 (fixture)
from tongban.core.models import AuditEntry
from tongban.org.models import User
from tongban.org.policy import principal_for_user
from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES
from tongban.rules.models import DecisionRule, Mode

pytestmark = pytest.mark.django_db

JDM = json.dumps(DEMO_RULES["elderly_card"].jdm).encode()


def catalog_admin():
    return principal_for_user(User.objects.get(username="catalog"))


def elderly_rule() -> DecisionRule:
    return DecisionRule.objects.get(item_version__name="老年人优待证办理", revision=1)


def test_an_upload_is_the_next_revision_and_keeps_the_tests(demo_city):  # noqa: F811
    first = elderly_rule()
    rule = services.upload(
        catalog_admin(), first.item_version, JDM, name="新规则", sources=["population"],
        effective_from=dt.date(2026, 12, 1), mode=Mode.MONITOR,
    )  # fmt: skip
    assert rule.revision == 2
    assert rule.tests.count() == first.tests.count() > 0
    assert AuditEntry.objects.filter(action="rules.upload").exists()
    assert all(run.passed for run in services.run_tests(rule))


@pytest.mark.parametrize(
    ("raw", "code"),
    [(b"not json", "jdm_json"), (b'{"a": 1}', "jdm_graph"), (b'{"nodes": []}', "jdm_nodes")],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(demo_city, raw, code):  # noqa: F811
    before = DecisionRule.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.upload(
            catalog_admin(), elderly_rule().item_version, raw, name="x", sources=[],
            effective_from=dt.date(2026, 12, 1),
        )  # fmt: skip
    assert refused.value.code == code
    assert DecisionRule.objects.count() == before


def test_only_catalog_administrators_upload(demo_city):  # noqa: F811
    clerk = principal_for_user(User.objects.get(username="clerk"))
    with pytest.raises(PermissionDenied):
        services.upload(
            clerk, elderly_rule().item_version, JDM, name="x", sources=[],
            effective_from=dt.date(2026, 12, 1),
        )  # fmt: skip


def test_the_mode_and_date_decide_what_is_in_force(demo_city):  # noqa: F811
    first = elderly_rule()
    version = first.item_version
    later = services.upload(
        catalog_admin(), version, JDM, name="r2", sources=["population"],
        effective_from=dt.date(2027, 1, 1), mode=Mode.ACTIVE,
    )  # fmt: skip
    assert services.rules_in_force(version, dt.date(2026, 12, 31)).active == first
    assert services.rules_in_force(version, dt.date(2027, 1, 1)).active == later
    services.set_mode(catalog_admin(), later, Mode.MONITOR)
    in_force = services.rules_in_force(version, dt.date(2027, 1, 1))
    assert in_force.active == first and in_force.monitors == [later]
    services.set_mode(catalog_admin(), first, Mode.OFF)
    assert services.rules_in_force(version, dt.date(2027, 1, 1)).active is None


def test_the_pages_for_a_catalog_administrator(demo_city):  # noqa: F811
    client = client_for("catalog")
    rule = elderly_rule()
    assert client.get("/workbench/rules/").status_code == 200
    detail = client.get(f"/workbench/rules/{rule.pk}/")
    assert detail.status_code == 200 and b'data-test-passed="false"' not in detail.content
    download = client.get(f"/workbench/rules/{rule.pk}/jdm.json")
    assert json.loads(download.content) == rule.jdm
    bench = client.post(
        f"/workbench/rules/{rule.pk}/bench/",
        {"inputs": json.dumps({"population": {"found": True, "age": 59, "alive": True,
                                              "household_city": "371400"}})},
    )  # fmt: skip
    assert b'data-bench-outcome="refer"' in bench.content
    bad = client.post(f"/workbench/rules/{rule.pk}/bench/", {"inputs": "[1,"})
    assert bad.status_code == 400
    upload = client.post(
        "/workbench/rules/upload/",
        {"version": rule.item_version_id, "name": "坏文件", "effective_from": "2026-12-01",
         "mode": "monitor", "jdm": _file(b"oops")},
    )  # fmt: skip
    assert upload.status_code == 400 and DecisionRule.objects.count() == 6
    assert client_for("clerk").get("/workbench/rules/").status_code == 403


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rule.json", content, content_type="application/json")


def test_the_api(demo_city):  # noqa: F811
    client = client_for("catalog")
    rule = elderly_rule()
    listed = client.get("/api/v1/rules", {"item_version": rule.item_version_id}).json()
    assert listed["items"][0]["revision"] == 1
    result = client.post(
        f"/api/v1/rules/{rule.pk}/evaluate",
        json.dumps({"inputs": {"population": {"found": False}}}),
        content_type="application/json",
    ).json()
    assert result["outcome"] == "refer" and result["reasons"]
    uploaded = client.post(
        "/api/v1/rules",
        {"item_version": rule.item_version_id, "name": "r2", "effective_from": "2026-12-01",
         "sources": ["population"], "jdm": _file(JDM)},
    )  # fmt: skip
    assert uploaded.status_code == 201 and uploaded.json()["revision"] == 2
    changed = client.post(
        f"/api/v1/rules/{rule.pk}/mode", json.dumps({"mode": "off"}),
        content_type="application/json",
    )  # fmt: skip
    assert changed.json()["mode"] == "off"
    refused = client_for("clerk").post(
        f"/api/v1/rules/{rule.pk}/mode", json.dumps({"mode": "active"}),
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert Client().get("/api/v1/rules").status_code == 401
