"""Delivery to a department's system: a signed POST with the idempotency key, every
attempt stored, retries with exponential back-off, failed after the last, resent."""

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from tongban.core.models import AuditEntry
from tongban.supervision import actions, delivery, webhooks
from tongban.supervision.models import DeliveryAttempt, Push

from .conftest import Receiver, only_push, run_deliveries

pytestmark = pytest.mark.django_db


def _configured(sw, url):
    _endpoint, secret = actions.create_endpoint(sw.p(sw.admin), sw.amr, url)
    return secret


def test_a_push_is_posted_signed_with_its_idempotency_key(sw, receiver):
    secret = _configured(sw, receiver.url)
    push = only_push(sw.approve())
    assert run_deliveries() == ["delivered"]
    push.refresh_from_db()
    assert push.delivery_state == Push.Delivery.DELIVERED
    assert push.delivered_at is not None and push.lease_until is None
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers["Idempotency-Key"] == str(push.idempotency_key)
    assert headers["X-Tongban-Event"] == "approval"
    timestamp = headers["X-Tongban-Timestamp"]
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    assert webhooks.verify(secret, timestamp, body, headers["X-Tongban-Signature"])
    assert not webhooks.verify("another secret", timestamp, body, headers["X-Tongban-Signature"])
    sent = json.loads(body)
    assert sent["idempotency_key"] == str(push.idempotency_key)
    assert sent["result"]["case_code"] == push.payload["case_code"]
    assert sent["department"]["name"] == "德州市市场监督管理局"
    [attempt] = push.delivery_attempts.all()
    assert attempt.outcome == DeliveryAttempt.Outcome.DELIVERED
    assert attempt.http_status == 200 and attempt.ended_at >= attempt.started_at
    assert '"ok"' in attempt.response_excerpt
    assert AuditEntry.objects.filter(action="supervision.delivered").count() == 1


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhooks.sign("s3cret", "1700000000", b"{}") == "sha256=" + expected


def test_failures_are_retried_with_exponential_backoff_then_delivered(sw, settings):
    settings.TONGBAN_SUPERVISION_BACKOFF_SECONDS = 10
    with Receiver(statuses=[503, 500]) as receiver:
        _configured(sw, receiver.url)
        push = only_push(sw.approve())
        start = timezone.now()
        with time_machine.travel(start, tick=False) as clock:
            assert run_deliveries() == ["failed: HTTP 503"]
            push.refresh_from_db()
            assert push.delivery_state == Push.Delivery.PENDING
            assert push.next_attempt_at == start + dt.timedelta(seconds=10)
            assert run_deliveries() == []  # not due yet
            clock.shift(dt.timedelta(seconds=11))
            assert run_deliveries() == ["failed: HTTP 500"]
            push.refresh_from_db()
            assert push.next_attempt_at - timezone.now() == dt.timedelta(seconds=20)
            clock.shift(dt.timedelta(seconds=21))
            assert run_deliveries() == ["delivered"]
        keys = receiver.keys()
    assert keys == [str(push.idempotency_key)] * 3
    outcomes = list(push.delivery_attempts.values_list("number", "http_status", "outcome"))
    assert outcomes == [(1, 503, "rejected"), (2, 500, "rejected"), (3, 200, "delivered")]


def test_an_unreachable_system_fails_after_the_last_attempt_and_can_be_resent(sw, settings):
    settings.TONGBAN_SUPERVISION_MAX_ATTEMPTS = 2
    settings.TONGBAN_SUPERVISION_BACKOFF_SECONDS = 1
    with Receiver() as closed:
        url = closed.url  # nothing listens there once closed
    _configured(sw, url)
    push = only_push(sw.approve())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert run_deliveries()[0].startswith("failed")
        clock.shift(dt.timedelta(seconds=2))
        assert run_deliveries()[0].startswith("failed")
    push.refresh_from_db()
    assert push.delivery_state == Push.Delivery.FAILED
    assert push.attempts == 2 and push.next_attempt_at is None
    assert push.last_error
    assert list(push.delivery_attempts.values_list("outcome", flat=True)) == ["error", "error"]
    assert AuditEntry.objects.filter(action="supervision.delivery_failed").count() == 1
    assert run_deliveries() == []

    with Receiver() as receiver:
        from tongban.supervision.models import WebhookEndpoint

        endpoint = WebhookEndpoint.objects.get()
        actions.update_endpoint(sw.p(sw.admin), endpoint, url=receiver.url)
        actions.resend(sw.p(sw.officer), push)
        assert AuditEntry.objects.filter(action="supervision.resend").count() == 1
        assert run_deliveries() == ["delivered"]
        assert receiver.keys() == [str(push.idempotency_key)]
    push.refresh_from_db()
    assert push.delivery_state == Push.Delivery.DELIVERED
    assert push.delivery_attempts.count() == 3
    assert push.delivery_attempts.order_by("-number").first().number == 3


def test_only_a_failed_delivery_is_resent(sw, receiver):
    from django.core.exceptions import ValidationError

    _configured(sw, receiver.url)
    push = only_push(sw.approve())
    run_deliveries()
    with pytest.raises(ValidationError, match="失败"):
        actions.resend(sw.p(sw.officer), push)


def test_resend_needs_an_enabled_endpoint(sw):
    from django.core.exceptions import ValidationError

    push = only_push(sw.approve())
    with pytest.raises(ValidationError):
        actions.resend(sw.p(sw.officer), push)


def test_a_4xx_answer_is_a_failed_attempt_too(sw, settings):
    settings.TONGBAN_SUPERVISION_MAX_ATTEMPTS = 1
    with Receiver(statuses=[401]) as receiver:
        _configured(sw, receiver.url)
        push = only_push(sw.approve())
        assert run_deliveries() == ["failed: HTTP 401"]
    push.refresh_from_db()
    assert push.delivery_state == Push.Delivery.FAILED
    assert push.delivery_attempts.get().http_status == 401


def test_a_delivered_push_is_not_sent_again_by_a_duplicate_task(sw, receiver):
    _configured(sw, receiver.url)
    push = only_push(sw.approve())
    assert run_deliveries() == ["delivered"]
    assert delivery.deliver(push.pk) == "already delivered"
    assert len(receiver.requests) == 1


def test_the_local_adapter_accepts_everything(sw, settings):
    settings.TONGBAN_ADAPTERS = {**settings.TONGBAN_ADAPTERS, webhooks.PORT: "local"}
    _configured(sw, "http://department.example/hook")
    push = only_push(sw.approve())
    assert run_deliveries() == ["delivered"]
    [sent] = webhooks.sent()
    assert sent.headers["Idempotency-Key"] == str(push.idempotency_key)


def test_backoff_doubles_up_to_its_ceiling(settings):
    from tongban.supervision import conf

    settings.TONGBAN_SUPERVISION_BACKOFF_SECONDS = 30
    settings.TONGBAN_SUPERVISION_BACKOFF_MAX_SECONDS = 100
    assert [conf.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
