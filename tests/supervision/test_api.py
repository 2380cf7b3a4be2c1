"""``/api/v1/supervision``: lists with filters, detail with attempts, claims (one and
bulk), resend, the claim-rate report and endpoint management."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tongban.supervision import actions, webhooks
from tongban.supervision.models import Push, WebhookEndpoint

from .conftest import Receiver, only_push, run_deliveries

pytestmark = pytest.mark.django_db

API = "/api/v1/supervision"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_lists_the_departments_results_unclaimed_first(sw):
    first = only_push(sw.approve())
    sw.approve()
    actions.claim(sw.p(sw.officer), first)
    body = logged_in(sw.officer).get(f"{API}/pushes").json()
    assert body["count"] == 2
    rows = body["items"]
    assert [r["claimed_at"] is None for r in rows] == [True, False]
    assert rows[1]["claimed_by"] == sw.officer.full_name
    assert rows[0]["department"] == "德州市市场监督管理局"
    assert rows[0]["item"] == "食品经营许可"
    assert rows[0]["event"] == "approval" and rows[0]["overdue"] is False
    assert rows[0]["delivery_state"] == "not_configured"


def test_filters(sw):
    first = only_push(sw.approve())
    second = Push.objects.exclude(pk=first.pk).first() or only_push(sw.approve())
    actions.claim(sw.p(sw.officer), first)
    Push.objects.filter(pk=second.pk).update(claim_due=timezone.now() - dt.timedelta(hours=1))
    client = logged_in(sw.officer)

    def ids(query):
        return [r["id"] for r in client.get(f"{API}/pushes", query).json()["items"]]

    assert ids({"claimed": "true"}) == [first.pk]
    assert ids({"claimed": "false"}) == [second.pk]
    assert ids({"overdue": "true"}) == [second.pk]
    assert ids({"event": "revocation"}) == []
    assert sorted(ids({"item": sw.base.item.pk})) == sorted([first.pk, second.pk])


def test_other_departments_see_nothing_and_the_bureau_sees_all(sw):
    push = only_push(sw.approve())
    assert logged_in(sw.other_officer).get(f"{API}/pushes").json()["count"] == 0
    assert logged_in(sw.other_officer).get(f"{API}/pushes/{push.pk}").status_code == 404
    for who in (sw.bureau_chief, sw.auditor, sw.admin, sw.base.chief):
        assert logged_in(who).get(f"{API}/pushes").json()["count"] == 1, who


def test_applicants_and_anonymous_are_refused(sw):
    sw.approve()
    assert Client().get(f"{API}/pushes").status_code == 401
    assert logged_in(sw.base.citizen).get(f"{API}/pushes").status_code == 403


def test_detail_has_the_payload_and_the_attempts(sw, receiver):
    actions.create_endpoint(sw.p(sw.admin), sw.amr, receiver.url)
    push = only_push(sw.approve())
    run_deliveries()
    body = logged_in(sw.officer).get(f"{API}/pushes/{push.pk}").json()
    assert body["payload"]["case_code"] == push.payload["case_code"]
    assert body["delivery_state"] == "delivered"
    assert [(a["number"], a["http_status"], a["outcome"]) for a in body["delivery_attempts"]] == [
        (1, 200, "delivered")
    ]


def test_claim_and_claim_again(sw):
    push = only_push(sw.approve())
    client = logged_in(sw.officer)
    response = client.post(f"{API}/pushes/{push.pk}/claim")
    assert response.status_code == 200, response.json()
    assert response.json()["claimed_by"] == sw.officer.full_name
    again = logged_in(sw.officer2).post(f"{API}/pushes/{push.pk}/claim")
    assert again.status_code == 409
    assert again.json()["code"] == "already_claimed"
    assert sw.officer.full_name in again.json()["message"]
    english = logged_in(sw.officer2).post(
        f"{API}/pushes/{push.pk}/claim", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "already claimed" in english.json()["message"]


def test_claim_refused_to_others(sw):
    push = only_push(sw.approve())
    response = logged_in(sw.auditor).post(f"{API}/pushes/{push.pk}/claim")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_bulk_claim(sw):
    first = only_push(sw.approve())
    second = Push.objects.exclude(pk=first.pk).first() or only_push(sw.approve())
    actions.claim(sw.p(sw.officer2), first)
    response = logged_in(sw.officer).post(
        f"{API}/claims", {"ids": [first.pk, second.pk]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"claimed": [second.pk], "already_claimed": [first.pk]}
    unknown = logged_in(sw.officer).post(
        f"{API}/claims", {"ids": [second.pk + 1000]}, content_type="application/json"
    )
    assert unknown.status_code == 404


def test_resend_a_failed_delivery(sw, settings):
    settings.TONGBAN_SUPERVISION_MAX_ATTEMPTS = 1
    with Receiver(statuses=[500]) as receiver:
        actions.create_endpoint(sw.p(sw.admin), sw.amr, receiver.url)
        push = only_push(sw.approve())
        run_deliveries()
        client = logged_in(sw.officer)
        response = client.post(f"{API}/pushes/{push.pk}/resend")
        assert response.status_code == 200, response.json()
        assert response.json()["delivery_state"] == "pending"
        assert run_deliveries() == ["delivered"]
        twice = client.post(f"{API}/pushes/{push.pk}/resend")
        assert twice.status_code == 400 and twice.json()["code"] == "invalid"
    assert len(receiver.keys()) == 2 and len(set(receiver.keys())) == 1


def test_claim_rate_report(sw):
    push = only_push(sw.approve())
    actions.claim(sw.p(sw.officer), push)
    sw.approve()
    auditor = logged_in(sw.auditor)
    body = auditor.get(f"{API}/claim-rates").json()
    assert body["count"] == 1
    [department] = body["items"]
    assert department["department"] == "德州市市场监督管理局"
    assert department["pushed"] == 2 and department["claimed"] == 1
    assert department["rate"] == 0.5 and department["claimed_on_time"] == 1
    [per_item] = auditor.get(f"{API}/claim-rates/items").json()["items"]
    assert per_item["item"] == "食品经营许可" and per_item["item_id"] == sw.base.item.pk
    today = timezone.localdate()
    bad = auditor.get(f"{API}/claim-rates", {"start": today.isoformat(), "end": "2000-01-01"})
    assert bad.status_code == 400
    assert logged_in(sw.base.reviewer).get(f"{API}/claim-rates").status_code == 403
    assert logged_in(sw.other_officer).get(f"{API}/claim-rates").json()["count"] == 0


def test_endpoint_management_for_platform_administrators(sw):
    admin = logged_in(sw.admin)
    created = admin.post(
        f"{API}/endpoints",
        {"department_id": sw.amr.pk, "url": "https://amr.example.gov.cn/hooks/tongban"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert len(secret) >= 32
    endpoint = WebhookEndpoint.objects.get()
    assert secret not in endpoint.secret_encrypted
    assert actions.endpoint_secret(endpoint) == secret
    listed = admin.get(f"{API}/endpoints").json()["items"]
    assert listed[0]["url"] == "https://amr.example.gov.cn/hooks/tongban"
    assert "secret" not in listed[0]
    changed = admin.patch(
        f"{API}/endpoints/{endpoint.pk}", {"is_enabled": False}, content_type="application/json"
    )
    assert changed.json()["is_enabled"] is False
    rotated = admin.post(f"{API}/endpoints/{endpoint.pk}/rotate-secret").json()
    assert rotated["secret"] != secret
    endpoint.refresh_from_db()
    assert actions.endpoint_secret(endpoint) == rotated["secret"]
    duplicate = admin.post(
        f"{API}/endpoints",
        {"department_id": sw.amr.pk, "url": "https://x.example/"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    bad_url = admin.post(
        f"{API}/endpoints",
        {"department_id": sw.other.pk, "url": "ftp://x.example/"},
        content_type="application/json",
    )
    assert bad_url.status_code == 400


def test_endpoints_are_for_platform_administrators_only(sw):
    for who in (sw.officer, sw.auditor, sw.bureau_chief):
        assert logged_in(who).get(f"{API}/endpoints").status_code == 403
        response = logged_in(who).post(
            f"{API}/endpoints",
            {"department_id": sw.amr.pk, "url": "https://x.example/"},
            content_type="application/json",
        )
        assert response.status_code == 403


def test_the_openapi_schema_describes_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith(API)]
    assert f"{API}/pushes" in paths and f"{API}/claim-rates" in paths
    assert webhooks.PORT == "supervision_webhook"
