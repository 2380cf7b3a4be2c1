"""Recovery (periodic): a delivery whose worker died holds a lease that runs out; the push
is taken back, the attempt marked interrupted, and sent again. A push due with no task
queued is enqueued. Running the recovery twice changes nothing more."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tongban.supervision import actions, delivery, webhooks
from tongban.supervision.models import DeliveryAttempt, Push

from .conftest import only_push, run_deliveries

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(sw, receiver, settings):
    settings.TONGBAN_SUPERVISION_LEASE_SECONDS = 30
    actions.create_endpoint(sw.p(sw.admin), sw.amr, receiver.url)
    return only_push(sw.approve())


def _queued():
    return DBTaskResult.objects.filter(task_path="tongban.supervision.tasks.deliver_push")


def test_a_delivery_cut_short_is_taken_back_after_its_lease(pending, receiver):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _queued().delete()  # the worker took the task …
        started, _why = delivery._start(pending.pk, now)  # … leased the push, and died
        assert started is not None
        assert delivery.recover() == {"interrupted": 0, "enqueued": 0}  # lease still held
        clock.shift(dt.timedelta(seconds=31))
        assert delivery.recover() == {"interrupted": 1, "enqueued": 1}
        assert delivery.recover() == {"interrupted": 0, "enqueued": 0}
        assert run_deliveries() == ["delivered"]
    pending.refresh_from_db()
    assert pending.delivery_state == Push.Delivery.DELIVERED
    outcomes = list(pending.delivery_attempts.values_list("outcome", flat=True))
    assert outcomes == [DeliveryAttempt.Outcome.INTERRUPTED, DeliveryAttempt.Outcome.DELIVERED]
    assert receiver.keys() == [str(pending.idempotency_key)]


def test_a_due_push_without_a_task_is_enqueued_once(pending):
    _queued().delete()
    assert delivery.recover() == {"interrupted": 0, "enqueued": 1}
    assert delivery.recover() == {"interrupted": 0, "enqueued": 0}
    assert _queued().count() == 1


def test_a_push_waiting_for_its_retry_is_left_to_its_task(pending, settings):
    settings.TONGBAN_SUPERVISION_BACKOFF_SECONDS = 60
    pending.next_attempt_at = timezone.now() + dt.timedelta(minutes=1)
    pending.save()
    _queued().delete()
    assert delivery.recover() == {"interrupted": 0, "enqueued": 0}


def test_a_slow_worker_finishing_after_the_takeover_still_counts(pending, receiver):
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _queued().delete()
        started, _why = delivery._start(pending.pk, now)
        push, attempt, _request, _secret = started
        clock.shift(dt.timedelta(seconds=31))
        delivery.recover()
        # the first worker was only slow: its answer arrives now
        answer = webhooks.WebhookResponse(status=200, body=b"{}")
        assert delivery._finish(push.pk, attempt.pk, push.lease_until, answer, "") == "delivered"
        # the task the recovery enqueued finds nothing left to do
        assert run_deliveries() == ["already delivered"]
    assert receiver.keys() == []


def test_the_last_attempt_interrupted_fails_the_push(pending, settings):
    settings.TONGBAN_SUPERVISION_MAX_ATTEMPTS = 1
    now = timezone.now()
    with time_machine.travel(now, tick=False) as clock:
        _queued().delete()
        delivery._start(pending.pk, now)
        clock.shift(dt.timedelta(seconds=31))
        assert delivery.recover()["interrupted"] == 1
    pending.refresh_from_db()
    assert pending.delivery_state == Push.Delivery.FAILED


def test_recovery_is_a_registered_periodic_task():
    from tongban.core import periodic

    names = {job.name for job in periodic.registered()}
    assert {"supervision.recover_deliveries", "supervision.escalate_unclaimed"} <= names
