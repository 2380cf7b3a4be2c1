"""Instant approval (秒批) decides on submission: approve with a certificate, refer to a
person with the rule's reasons, never deny; a rule in monitor mode decides nothing; a
failure loses nothing."""

import datetime as dt
import json

import pytest

from tongban.cases.models import Case, CaseEvent, Status
from tongban.certificates.models import Certificate
from tongban.rules.models import RuleEvaluation
from tongban.sharing.models import SharingQuery

from .conftest import apply, client_for

pytestmark = pytest.mark.django_db


def test_a_resident_of_65_or_more_is_approved_at_once_with_a_certificate(demo_city):
    response = apply(client_for("citizen"), "senior_card", contact_phone="13805341958")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "approve"
    assert body["status"] == Status.RESULT_ISSUED
    case = Case.objects.get(pk=body["case_id"])
    events = list(case.events.order_by("at", "pk").values_list("action", "actor_label"))
    assert [action for action, _who in events] == [
        "create", "submit", "accept", "approve", "issue_result",
    ]  # fmt: skip
    assert {who for action, who in events[2:]} == {"system"}
    certificate = Certificate.objects.get(case=case)
    assert body["certificate"]["identifier"] == certificate.identifier
    assert certificate.holder_name == "李明"
    evaluation = RuleEvaluation.objects.get(case=case)
    assert evaluation.decided and evaluation.outcome == "approve"
    assert evaluation.inputs["population"]["age"] >= 60
    # The population register was asked for this case, and the asking recorded.
    assert SharingQuery.objects.filter(case=case, source__code="population").exists()


def test_a_resident_of_59_is_referred_to_a_person_with_the_reason(demo_city):
    response = apply(client_for("resident59"), "senior_card")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "refer"
    assert body["status"] == Status.SUBMITTED
    assert any("60" in reason for reason in body["reasons"]), body["reasons"]
    assert body["certificate"] is None
    case = Case.objects.get(pk=body["case_id"])
    refer = case.events.get(action="refer")
    assert refer.public and "60" in refer.note
    assert not Certificate.objects.filter(case=case).exists()
    # Nothing is denied by the machine: the case waits for a clerk.
    assert not case.events.filter(action__in=["deny", "propose_non_acceptance"]).exists()


def test_a_rule_in_monitor_mode_is_recorded_and_decides_nothing(demo_city):
    from tongban.rules.models import DecisionRule

    DecisionRule.objects.filter(item_version__name="老年人优待证办理").update(mode="monitor")

    body = apply(client_for("citizen"), "senior_card").json()

    case = Case.objects.get(pk=body["case_id"])
    assert case.status == Status.SUBMITTED
    assert body["outcome"] == "" and body["evaluations"][0]["mode"] == "monitor"
    evaluation = RuleEvaluation.objects.get(case=case)
    assert evaluation.outcome == "approve" and not evaluation.decided
    assert not case.events.filter(action__in=["accept", "refer"]).exists()


def test_a_failure_during_the_decision_refers_the_case_and_keeps_it(demo_city, monkeypatch):
    from tongban.rules import services as rules

    def broken(rule, inputs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(rules, "evaluate", broken)

    body = apply(client_for("citizen"), "senior_card").json()

    case = Case.objects.get(pk=body["case_id"])
    assert case.status == Status.SUBMITTED and case.code
    assert case.events.filter(action="refer", data__error=True).exists()
    assert not RuleEvaluation.objects.filter(case=case).exists()  # rolled back to the savepoint
    assert body["evaluations"] == [] and body["certificate"] is None
    assert CaseEvent.objects.filter(case=case, action="submit").exists()
    # The applicant is told that a person will decide, and why; a later look says the same.
    assert body["outcome"] == "refer"
    assert body["reasons"] == ["自动比对未能完成，将转人工办理。"]
    assert client_for("citizen").get(f"/api/v1/instant/cases/{case.pk}").json() == body


def test_the_decision_is_readable_through_the_api(demo_city):
    client = client_for("citizen")
    answer = apply(client, "senior_card").json()
    case_id = answer["case_id"]

    body = client.get(f"/api/v1/instant/cases/{case_id}").json()

    assert body["outcome"] == "approve"
    assert body["evaluations"][0]["decided"] is True
    # The application's answer (made from what the request did) says the same.
    assert answer == body
    referred = client_for("resident59")
    answer = apply(referred, "senior_card").json()
    assert answer == referred.get(f"/api/v1/instant/cases/{answer['case_id']}").json()
    other = client_for("resident59").get(f"/api/v1/instant/cases/{case_id}")
    assert other.status_code in (403, 404)


def test_instant_items_are_listed_for_a_phone(demo_city):
    body = client_for("citizen").get("/api/v1/instant/items").json()
    names = {row["name"] for row in body["items"]}
    assert {"老年人优待证办理", "教师资格认定", "高校毕业生住房补贴申领"} <= names


def test_a_renewal_finds_the_old_permit_in_the_certificate_library(demo_city):
    """The demo enterprise's earlier outdoor-advertising permit was issued with an
    e-certificate; the renewal does not ask for it, the library confirms it."""
    from tongban.demo.case_loader import load_demo_cases
    from tongban.sharing.models import MaterialVerification

    load_demo_cases()
    earlier = Certificate.objects.get(
        applicant__account__username="enterprise", type_name="户外广告设施设置许可证"
    )

    response = apply(client_for("enterprise"), "outdoor_ads_renewal")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "approve", body["reasons"]
    case = Case.objects.get(pk=body["case_id"])
    from_library = MaterialVerification.objects.get(
        case=case, material__name="原户外广告设施设置许可证"
    )
    assert from_library.confirmed and from_library.source == "certificates"
    renewed = Certificate.objects.get(case=case)
    assert renewed.pk != earlier.pk and renewed.holder_name == earlier.holder_name


def test_a_failure_after_the_certificate_leaves_no_trace_of_it_in_the_answer(
    demo_city, monkeypatch
):
    from tongban.certificates import actions as certificate_actions

    real = certificate_actions._issue

    def issue_then_fail(case, principal):
        real(case, principal)
        raise RuntimeError("signer down")

    monkeypatch.setattr(certificate_actions, "_issue", issue_then_fail)

    body = apply(client_for("citizen"), "senior_card").json()

    case = Case.objects.get(pk=body["case_id"])
    assert case.status == Status.SUBMITTED
    assert not Certificate.objects.filter(case=case).exists()
    assert body["certificate"] is None and body["evaluations"] == []
    assert not RuleEvaluation.objects.filter(case=case).exists()
    assert body["outcome"] == "refer" and len(body["reasons"]) == 1


@pytest.mark.parametrize(
    ("path", "language", "message"),
    [
        ("/api/v1/instant/apply", "zh-hans", "没有编码为“NO-SUCH-ITEM”的政务服务事项。"),
        ("/api/v1/instant/apply", "en", "No service item has the code “NO-SUCH-ITEM”."),
        ("/api/v1/cases", "zh-hans", "没有编码为“NO-SUCH-ITEM”的政务服务事项。"),
    ],
)
def test_an_unknown_item_code_is_named_in_the_answer_and_nothing_is_made(
    demo_city, path, language, message
):
    before = Case.objects.count()
    response = client_for("citizen").post(
        path,
        json.dumps({"item": "NO-SUCH-ITEM", "form_data": {}, "answers": [], "channel": "mobile"}),
        content_type="application/json",
        headers={"accept-language": language},
    )

    assert response.status_code == 404
    assert response.json() == {"code": "unknown_item", "message": message}
    assert Case.objects.count() == before


def test_a_black_listed_resident_is_referred_with_the_credit_reason_in_chinese(demo_city):
    from tongban.credit import actions as credit_actions
    from tongban.credit.models import Kind, Source
    from tongban.org.models import Applicant
    from tongban.org.policy import SYSTEM

    credit_actions.record(
        SYSTEM,
        applicant=Applicant.objects.get(account__username="citizen"),
        kind=Kind.BLACK_LIST,
        title="失信被执行人",
        authority="德州市中级人民法院",
        decided_on=dt.date(2025, 9, 1),
        source=Source.PLATFORM,
    )

    citizen = client_for("citizen")
    body = apply(citizen, "senior_card").json()

    # The rule would approve (68 years old); a machine never approves a black-listed one,
    # and the answer says what was decided, not what the rule said.
    assert body["status"] == Status.SUBMITTED and body["certificate"] is None
    assert body["outcome"] == "refer"
    assert body["evaluations"][0]["outcome"] == "approve"
    assert body["reasons"][0].startswith("信用："), body["reasons"]
    assert body["reasons"][0].endswith("转人工审核。")
    assert citizen.get(f"/api/v1/instant/cases/{body['case_id']}").json() == body
    page = citizen.get(f"/me/cases/{body['case_id']}/").content.decode()
    assert 'data-instant-outcome="refer"' in page and body["reasons"][0] in page


@pytest.mark.parametrize("phone", ["13805341958", "0534-2688888", "+86 138 0534 1958"])
def test_a_contact_phone_in_any_usual_form_is_taken(demo_city, phone):
    response = apply(client_for("citizen"), "senior_card", contact_phone=phone)
    assert response.status_code == 201, response.content


def test_a_contact_phone_that_is_no_number_is_refused_saying_why(demo_city):
    before = Case.objects.count()
    response = apply(client_for("citizen"), "senior_card", contact_phone="电话见附件")

    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith("联系电话“电话见附件”不是电话号码"), message
    assert Case.objects.count() == before
