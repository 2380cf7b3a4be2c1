"""The workbench pages for catalog administrators: the list, a revision (tests run,
outcomes counted, mode form), upload (errors shown, nothing saved), download, and the
test bench (plain post and HTMX, save as a test). Other staff get a 403."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.core.models import AuditEntry
from tongban.rules import services
from tongban.rules.demo_data import DEMO_RULES
from tongban.rules.models import DecisionRule, Mode, RuleTest

from .conftest import ELDERLY_JDM, client_for

pytestmark = pytest.mark.django_db

SHIPPED = [
    {k: t[k] for k in ("name", "inputs", "expected_outcome", "expected_reason_contains")}
    for t in DEMO_RULES["elderly_card"].tests
]


@pytest.fixture
def rule(rules_world):
    return services.upload(
        rules_world.p(rules_world.catalog_admin), rules_world.version, ELDERLY_JDM,
        name="老年人优待证规则", sources=["population"], effective_from=dt.date(2026, 1, 1),
        mode=Mode.ACTIVE, tests=SHIPPED,
    )  # fmt: skip


def jdm_file(content: bytes = ELDERLY_JDM):
    return SimpleUploadedFile("rule.json", content, content_type="application/json")


def test_the_list(rules_world, rule):
    page = client_for(rules_world.catalog_admin).get("/workbench/rules/")
    assert page.status_code == 200
    assert f'data-rule="{rule.pk}" data-mode="active" data-deciding'.encode() in page.content
    assert b"data-upload-link" in page.content


def test_a_platform_administrator_sees_the_pages(rules_world, rule):
    client = client_for(rules_world.platform_admin)
    assert client.get("/workbench/rules/").status_code == 200
    assert client.get(f"/workbench/rules/{rule.pk}/").status_code == 200


def test_other_staff_are_refused(rules_world, rule):
    client = client_for(rules_world.clerk)
    for url in [
        "/workbench/rules/",
        f"/workbench/rules/{rule.pk}/",
        f"/workbench/rules/{rule.pk}/jdm.json",
        f"/workbench/rules/{rule.pk}/bench/",
        "/workbench/rules/upload/",
    ]:
        assert client.get(url).status_code == 403, url


def test_a_revision_runs_its_tests_and_counts_outcomes(rules_world, rule):
    case = rules_world.case()
    services.record(case, rule, services.evaluate(rule, {}), {}, decided=True)
    page = client_for(rules_world.catalog_admin).get(f"/workbench/rules/{rule.pk}/")
    assert page.status_code == 200
    assert page.content.count(b'data-test-passed="true"') == len(SHIPPED)
    assert b'data-test-passed="false"' not in page.content
    assert b'data-tests-failed="0"' in page.content
    assert b'data-outcome-count="refer"' in page.content
    assert page.context["outcomes"][1] == ("refer", page.context["outcomes"][1][1], 1)


def test_a_failing_test_shows_as_failed(rules_world, rule):
    RuleTest.objects.create(
        rule=rule, name="错的期望", inputs=SHIPPED[0]["inputs"], expected_outcome="refer"
    )
    page = client_for(rules_world.catalog_admin).get(f"/workbench/rules/{rule.pk}/")
    assert b'data-test-passed="false"' in page.content
    assert b'data-tests-failed="1"' in page.content


def test_the_mode_form_changes_the_mode_audited(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    answer = client.post(
        f"/workbench/rules/{rule.pk}/", {"mode": "monitor", "effective_from": "2026-02-01"}
    )
    assert answer.status_code == 302
    rule.refresh_from_db()
    assert (rule.mode, rule.effective_from) == ("monitor", dt.date(2026, 2, 1))
    assert AuditEntry.objects.filter(action="rules.set_mode", object_id=str(rule.pk)).exists()
    bad = client.post(f"/workbench/rules/{rule.pk}/", {"mode": "off", "effective_from": "2/1"})
    assert bad.status_code == 400 and b"data-errors" in bad.content
    rule.refresh_from_db()
    assert rule.mode == "monitor"


def test_download_gives_the_file_back(rules_world, rule):
    answer = client_for(rules_world.catalog_admin).get(f"/workbench/rules/{rule.pk}/jdm.json")
    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    assert json.loads(answer.content) == json.loads(ELDERLY_JDM)


def test_upload_makes_the_next_revision(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    form = client.get(f"/workbench/rules/upload/?version={rules_world.version.pk}")
    assert form.status_code == 200
    assert form.context["chosen_sources"] == ["population"]  # from the previous revision
    answer = client.post(
        "/workbench/rules/upload/",
        {"version": rules_world.version.pk, "name": "第二版", "effective_from": "2026-12-01",
         "mode": "monitor", "sources": ["population", "credit"], "note": "试运行",
         "jdm": jdm_file()},
    )  # fmt: skip
    assert answer.status_code == 302
    second = DecisionRule.objects.get(revision=2)
    assert answer["Location"] == f"/workbench/rules/{second.pk}/"
    assert second.sources == ["credit", "population"] and second.note == "试运行"
    assert second.tests.count() == len(SHIPPED)


@pytest.mark.parametrize(
    "post",
    [
        {"jdm": b"oops"},
        {"jdm": json.dumps({"nodes": []}).encode()},
        {"version": ""},
        {"effective_from": "tomorrow"},
        {"sources": ["horoscope"]},
        {"name": ""},
        {"jdm": None},
    ],
)
def test_upload_errors_are_shown_and_nothing_is_saved(rules_world, rule, post):
    data = {"version": rules_world.version.pk, "name": "坏文件", "effective_from": "2026-12-01",
            "mode": "monitor", "sources": ["population"]}  # fmt: skip
    content = post.pop("jdm", ELDERLY_JDM)
    data |= post
    if content is not None:
        data["jdm"] = jdm_file(content)
    answer = client_for(rules_world.catalog_admin).post("/workbench/rules/upload/", data)
    assert answer.status_code == 400
    assert b"data-errors" in answer.content
    assert DecisionRule.objects.count() == 1


def test_the_bench_is_prefilled_with_the_first_test(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    page = client.get(f"/workbench/rules/{rule.pk}/bench/")
    assert page.status_code == 200
    assert json.loads(page.context["inputs"]) == SHIPPED[0]["inputs"]
    third = rule.tests.all()[2]
    chosen = client.get(f"/workbench/rules/{rule.pk}/bench/?test={third.pk}")
    assert json.loads(chosen.context["inputs"]) == third.inputs


def test_the_bench_runs_the_rule_and_records_nothing(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    inputs = SHIPPED[2]["inputs"]  # 59 years old
    page = client.post(f"/workbench/rules/{rule.pk}/bench/", {"inputs": json.dumps(inputs)})
    assert page.status_code == 200
    assert b'data-bench-outcome="refer"' in page.content
    assert "年龄未满60周岁" in page.content.decode()
    assert rule.evaluations.count() == 0
    partial = client.post(
        f"/workbench/rules/{rule.pk}/bench/", {"inputs": json.dumps(SHIPPED[0]["inputs"])},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert partial.status_code == 200
    assert b'data-bench-outcome="approve"' in partial.content
    assert b"<html" not in partial.content


@pytest.mark.parametrize("text", ["[1,", "[1, 2]", '"x"'])
def test_the_bench_refuses_bad_json(rules_world, rule, text):
    page = client_for(rules_world.catalog_admin).post(
        f"/workbench/rules/{rule.pk}/bench/", {"inputs": text}
    )
    assert page.status_code == 400 and b"data-errors" in page.content


def test_the_bench_saves_a_test(rules_world, rule):
    client = client_for(rules_world.catalog_admin)
    inputs = SHIPPED[0]["inputs"] | {"population": {"found": False}}
    page = client.post(
        f"/workbench/rules/{rule.pk}/bench/",
        {"inputs": json.dumps(inputs), "save": "1", "test_name": "查无此人2",
         "expected_reason_contains": "未查到"},
    )  # fmt: skip
    assert page.status_code == 200 and b"data-test-saved" in page.content
    saved = rule.tests.get(name="查无此人2")
    assert saved.expected_outcome == "refer" and saved.inputs == inputs
    assert saved.expected_reason_contains == "未查到"
    assert AuditEntry.objects.filter(action="rules.add_test").exists()
    assert all(run.passed for run in services.run_tests(rule))
