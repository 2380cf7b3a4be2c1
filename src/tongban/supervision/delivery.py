"""Delivering a push to the department's system: at least once, every attempt recorded.

One attempt (:func:`deliver`, run by the ``deliver_push`` task):

1. a short transaction leases the push (``lease_until``) and records the attempt's start;
2. the POST, outside any transaction (a slow receiver holds no lock and no connection
   busy in a transaction), signed, with the push's idempotency key;
3. a short transaction records the outcome: delivered; or the next attempt after an
   exponential back-off (a task enqueued to run then); or, after the last attempt, failed.

A worker killed during step 2 leaves a lease that runs out: :func:`recover` (periodic)
marks that attempt interrupted and enqueues the push again, as it does for any push due
for an attempt with no task queued. The receiver may so see a push twice, never zero
times; the idempotency key lets it act once.
"""

import datetime as dt
import json
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, crypto
from tongban.org.policy import SYSTEM

from . import conf, webhooks
from .models import DeliveryAttempt, Push, WebhookEndpoint

ERROR_CHARS = 1000


def body_of(push: Push) -> bytes:
    """The JSON body: the same bytes on every attempt (only the timestamp header and the
    signature change)."""
    envelope = {
        "idempotency_key": str(push.idempotency_key),
        "event": push.event,
        "pushed_at": push.created_at.isoformat(),
        "claim_due": push.claim_due.isoformat(),
        "department": {"name": push.agency.name, "credit_code": push.agency.credit_code},
        "result": push.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _locked(push_id: int) -> Push | None:
    return (
        Push.objects.select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=push_id)
        .first()
    )


def _start(push_id: int, now: dt.datetime):
    """Lease the push and record the attempt's start; None (and why) when there is
    nothing to do now."""
    with transaction.atomic():
        push = _locked(push_id)
        if push is None:
            return None, "no such push"
        if push.delivery_state != Push.Delivery.PENDING:
            return None, f"already {push.delivery_state}"
        if push.lease_until is not None and push.lease_until > now:
            return None, "being delivered"
        if push.next_attempt_at is not None and push.next_attempt_at > now:
            return None, "not due yet"
        endpoint = WebhookEndpoint.objects.filter(agency_id=push.agency_id).first()
        if endpoint is None or not endpoint.is_enabled:
            push.delivery_state = Push.Delivery.NOT_CONFIGURED
            push.next_attempt_at = None
            push.lease_until = None
            push.last_error = _("The department has no enabled system to send to.")
            push.save(
                update_fields=["delivery_state", "next_attempt_at", "lease_until", "last_error"]
            )
            return None, "no endpoint"
        push.attempts += 1
        push.lease_until = now + conf.lease()
        push.save(update_fields=["attempts", "lease_until"])
        attempt = DeliveryAttempt.objects.create(
            push=push,
            number=push.delivery_attempts.count() + 1,
            url=endpoint.url,
            started_at=now,
        )
        request = webhooks.WebhookRequest(
            url=endpoint.url,
            body=body_of(push),
            headers={},
            timeout=conf.timeout(),
        )
        return (push, attempt, request, crypto.decrypt(endpoint.secret_encrypted)), ""


def _signed(push: Push, request: webhooks.WebhookRequest, secret: str) -> webhooks.WebhookRequest:
    timestamp = str(int(time.time()))
    return webhooks.WebhookRequest(
        url=request.url,
        body=request.body,
        timeout=request.timeout,
        headers={
            webhooks.IDEMPOTENCY_HEADER: str(push.idempotency_key),
            webhooks.TIMESTAMP_HEADER: timestamp,
            webhooks.SIGNATURE_HEADER: webhooks.sign(secret, timestamp, request.body),
            webhooks.EVENT_HEADER: push.event,
            "User-Agent": "tongban-supervision/1",
        },
    )


def deliver(push_id: int) -> str:
    """One attempt to deliver push ``push_id`` (idempotent: a delivered, failed or leased
    push is left alone)."""
    started, why = _start(push_id, timezone.now())
    if started is None:
        return why
    push, attempt, request, secret = started
    lease = push.lease_until
    response: webhooks.WebhookResponse | None = None
    error = ""
    try:
        response = webhooks.adapter().post(_signed(push, request, secret))
        if not response.ok:
            error = f"HTTP {response.status}"
    except Exception as failure:
        error = (str(failure) or failure.__class__.__name__)[:ERROR_CHARS]
    return _finish(push.pk, attempt.pk, lease, response, error)


def _finish(
    push_id: int,
    attempt_id: int,
    lease: dt.datetime,
    response: webhooks.WebhookResponse | None,
    error: str,
) -> str:
    now = timezone.now()
    delivered = response is not None and response.ok
    with transaction.atomic():
        push = _locked(push_id)
        attempt = DeliveryAttempt.objects.select_for_update().get(pk=attempt_id)
        attempt.ended_at = now
        attempt.http_status = response.status if response is not None else None
        attempt.response_excerpt = response.excerpt if response is not None else ""
        attempt.error = error
        if delivered:
            attempt.outcome = DeliveryAttempt.Outcome.DELIVERED
        elif response is not None:
            attempt.outcome = DeliveryAttempt.Outcome.REJECTED
        else:
            attempt.outcome = DeliveryAttempt.Outcome.ERROR
        attempt.save()
        # Ours still, unless the lease ran out and the recovery gave the push to another
        # attempt meanwhile; a success counts whoever made it.
        current = push.lease_until == lease
        if delivered and push.delivery_state != Push.Delivery.DELIVERED:
            push.delivery_state = Push.Delivery.DELIVERED
            push.delivered_at = now
            push.last_error = ""
            push.next_attempt_at = None
            if current:
                push.lease_until = None
            push.save()
            audit.record(
                "supervision.delivered",
                push,
                changes={"attempt": attempt.number, "http_status": attempt.http_status},
                actor=SYSTEM.actor,
            )
            return "delivered"
        if delivered or not current:
            return "recorded"
        _after_failure(push, error, now)
        return f"failed: {error}"


def _after_failure(push: Push, error: str, now: dt.datetime) -> None:
    """Schedule the next attempt, or give up after the last one (the caller's transaction)."""
    from .tasks import deliver_push

    push.lease_until = None
    push.last_error = error
    if push.attempts >= conf.max_attempts():
        push.delivery_state = Push.Delivery.FAILED
        push.next_attempt_at = None
        push.save()
        audit.record(
            "supervision.delivery_failed",
            push,
            changes={"attempts": push.attempts, "error": error},
            actor=SYSTEM.actor,
        )
        return
    push.next_attempt_at = now + conf.backoff(push.attempts)
    push.save()
    deliver_push.using(run_after=push.next_attempt_at).enqueue(push.pk)


def queued_push_ids() -> set[int]:
    """The pushes a ``deliver_push`` task waits to deliver."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import deliver_push

    rows = DBTaskResult.objects.filter(
        status="READY", task_path=deliver_push.module_path
    ).values_list("args_kwargs", flat=True)
    ids = set()
    for row in rows:
        args = (row or {}).get("args") or []
        if args:
            ids.add(int(args[0]))
    return ids


def recover(now: dt.datetime | None = None) -> dict[str, int]:
    """Take back pushes whose worker died mid-delivery (the lease ran out: the attempt is
    marked interrupted) and enqueue every push due for an attempt with no task waiting.
    Idempotent: a second run finds nothing more to do."""
    from .tasks import deliver_push

    now = now or timezone.now()
    expired = list(
        Push.objects.filter(delivery_state=Push.Delivery.PENDING, lease_until__lt=now).values_list(
            "pk", flat=True
        )
    )
    interrupted = 0
    for pk in expired:
        with transaction.atomic():
            push = _locked(pk)
            if (
                push is None
                or push.delivery_state != Push.Delivery.PENDING
                or push.lease_until is None
                or push.lease_until >= now
            ):
                continue
            error = _("The delivery was interrupted (the worker stopped) before its outcome.")
            push.delivery_attempts.filter(outcome=DeliveryAttempt.Outcome.IN_PROGRESS).update(
                outcome=DeliveryAttempt.Outcome.INTERRUPTED, ended_at=now, error=error
            )
            push.lease_until = None
            push.last_error = error
            if push.attempts >= conf.max_attempts():
                push.delivery_state = Push.Delivery.FAILED
                push.next_attempt_at = None
            else:
                push.next_attempt_at = now
            push.save()
            audit.record(
                "supervision.delivery_interrupted",
                push,
                changes={"attempts": push.attempts},
                actor=SYSTEM.actor,
            )
            interrupted += 1
    queued = queued_push_ids()
    due = Push.objects.filter(
        delivery_state=Push.Delivery.PENDING,
        lease_until__isnull=True,
        next_attempt_at__lte=now,
    ).values_list("pk", flat=True)
    enqueued = 0
    for pk in due:
        if pk not in queued:
            deliver_push.enqueue(pk)
            enqueued += 1
    return {"interrupted": interrupted, "enqueued": enqueued}
