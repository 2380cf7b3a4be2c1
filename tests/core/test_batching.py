"""A savepoint whose audit entries and tasks join the enclosing batched write
(``core.batching.savepoint``): kept when it is released, struck when it rolls back."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tongban.core import audit, batching, notifications, task_backend
from tongban.core.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _sms(user):
    return notifications.notify(user, "办件通知", "已受理", channels=[notifications.Channel.SMS])


def _outer():
    return (
        transaction.atomic(),
        task_backend.enqueued_together(),
        audit.deferred(riders=task_backend.rows_to_write),
    )


def test_a_released_savepoint_hands_its_entries_and_tasks_to_the_outer_write():
    user = UserFactory(phone="13811110001")
    atomic, tasks, entries = _outer()
    with atomic, tasks, entries:
        audit.record("test.before", object_type="t", object_id="1")
        with batching.savepoint():
            audit.record("test.inside", object_type="t", object_id="2")
            _sms(user)
            # Kept, not written: they ride on the outer block's one append.
            assert AuditEntry.objects.filter(action="test.inside").count() == 0
            assert DBTaskResult.objects.count() == 0
        assert AuditEntry.objects.count() == 0
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "test.before",
        "test.inside",
    ]
    assert DBTaskResult.objects.count() == 1
    assert audit.verify_chain()[1] is None


def test_a_rolled_back_savepoint_takes_its_entries_and_tasks_with_it():
    user = UserFactory(phone="13811110002")
    atomic, tasks, entries = _outer()
    with atomic, tasks, entries:
        audit.record("test.before", object_type="t", object_id="1")
        with pytest.raises(RuntimeError), batching.savepoint():
            audit.record("test.inside", object_type="t", object_id="2")
            _sms(user)
            raise RuntimeError("the decision failed")
        audit.record("test.after", object_type="t", object_id="3")
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "test.before",
        "test.after",
    ]
    assert DBTaskResult.objects.count() == 0
    assert Notification.objects.count() == 0  # rolled back with the savepoint


def test_entries_written_inside_a_failed_savepoint_are_struck_too():
    # A nested block inside the savepoint wrote its tasks on an append of its own (an
    # action that is not batched): the rollback took the rows, the kept list forgets them.
    user = UserFactory(phone="13811110003")
    atomic, tasks, entries = _outer()
    with atomic, tasks, entries:
        with pytest.raises(RuntimeError), batching.savepoint():
            with transaction.atomic():  # a savepoint of its own, written at once
                _sms(user)
                audit.record("test.deeper", object_type="t", object_id="4")
            raise RuntimeError("failed after")
        audit.record("test.after", object_type="t", object_id="5")
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.after"]
    assert DBTaskResult.objects.count() == 0


def test_without_an_outer_block_it_is_a_savepoint_with_blocks_of_its_own():
    user = UserFactory(phone="13811110004")
    with transaction.atomic():
        with batching.savepoint():
            audit.record("test.alone", object_type="t", object_id="6")
            _sms(user)
        # Written when the savepoint's own blocks ended.
        assert AuditEntry.objects.filter(action="test.alone").count() == 1
        assert DBTaskResult.objects.count() == 1
