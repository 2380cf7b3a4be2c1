"""Background tasks: enqueued with the change, gone with a rollback, run by the worker."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from tongban.core import notifications
from tongban.core.adapters.messaging import SENT
from tongban.core.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def _sms(user, body="您的办件已受理"):
    return notifications.notify(user, "办件通知", body, channels=[notifications.Channel.SMS])[0]


def test_task_enqueued_in_a_rolled_back_transaction_never_exists():
    user = UserFactory(phone="13811112222")
    with pytest.raises(RuntimeError), transaction.atomic():
        _sms(user)
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("the change failed")
    assert DBTaskResult.objects.count() == 0
    assert Notification.objects.count() == 0
    call_command("worker", batch=True, verbosity=0)
    assert not any(m.address == "13811112222" for _, m in SENT)


def test_worker_delivers_a_committed_notification_once():
    user = UserFactory(phone="13811113333")
    SENT.clear()
    notification = _sms(user)
    call_command("worker", batch=True, verbosity=0)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert [m.address for _, m in SENT] == ["13811113333"]
    # Running the task again (at-least-once delivery) does not send twice.
    assert notifications.deliver(notification.pk) == "already sent"
    assert len(SENT) == 1


def test_failed_delivery_is_recorded_and_can_be_resent(settings):
    settings.TONGBAN_ADAPTERS = {"sms": "failing", "email": "console"}
    user = UserFactory(phone="13811114444")
    notification = _sms(user)
    call_command("worker", batch=True, verbosity=0)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert "ConnectionError" in notification.last_error

    settings.TONGBAN_ADAPTERS = {"sms": "console", "email": "console"}
    notifications.resend(notification)
    call_command("worker", batch=True, verbosity=0)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2


def test_missing_address_fails_with_a_reason():
    user = UserFactory(phone="")
    notification = _sms(user)
    assert notifications.deliver(notification.pk) == "failed"
    notification.refresh_from_db()
    assert "no sms address" in notification.last_error


def test_inbox_message_needs_no_worker():
    user = UserFactory()
    message = notifications.notify(user, "欢迎", "欢迎使用通办")[0]
    assert message.status == Notification.Status.SENT
    assert DBTaskResult.objects.count() == 0


@pytest.mark.slow
def test_tongban_worker_command_runs_in_its_own_process(tmp_path):
    """The console script's worker, as an operator runs it, on a file database."""
    env = {
        **os.environ,
        "TONGBAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tongban.settings",
    }
    env.pop("TONGBAN_DATABASE_URL", None)
    run = [sys.executable, "-m", "tongban.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=120)
    script = (
        "from tongban.org.models import User; from tongban.core import notifications as n;"
        "u = User.objects.create(username='w', kind='staff', phone='13800009999');"
        "n.notify(u, 's', 'b', channels=['sms'])"
    )
    subprocess.run([*run, "shell", "-c", script], env=env, check=True, timeout=60)
    result = subprocess.run(
        [*run, "worker", "--batch"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status = subprocess.run(
        [
            *run,
            "shell",
            "-c",
            "from tongban.core.models import Notification as N; print(N.objects.get().status)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert status.stdout.strip().splitlines()[-1] == "sent"


def test_tasks_enqueued_together_are_written_in_one_statement_when_the_block_ends():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.core.task_backend import enqueued_together
    from tongban.core.tasks import deliver_notification

    with transaction.atomic(), enqueued_together():
        results = [deliver_notification.enqueue(n) for n in (101, 102, 103)]
        assert DBTaskResult.objects.count() == 0  # kept until the block ends
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        with enqueued_together():
            deliver_notification.enqueue(104)
            deliver_notification.enqueue(105)
        inserts = [q for q in queries if q["sql"] and "INSERT" in q["sql"]]
    assert len(inserts) == 1
    stored = {str(r.id): r.args_kwargs["args"] for r in DBTaskResult.objects.all()}
    assert [stored[r.id] for r in results] == [[101], [102], [103]]
    assert all(r.task.func is deliver_notification.func for r in results)
    assert sorted(stored.values()) == [[101], [102], [103], [104], [105]]


def test_tasks_of_a_failed_block_are_never_written():
    from tongban.core.task_backend import enqueued_together
    from tongban.core.tasks import deliver_notification

    with pytest.raises(RuntimeError), transaction.atomic(), enqueued_together():
        deliver_notification.enqueue(201)
        raise RuntimeError("the action failed")
    with transaction.atomic(), enqueued_together():
        deliver_notification.enqueue(202)
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[202]]
