"""Reliability: a real ``tongban worker`` is killed (SIGKILL) while it delivers a push to a
department's system; after the recovery task and a restart, every push has reached the
department, and the receiver has seen every idempotency key (a key seen twice is acted
on once: that is what the key is for).

The worker runs in its own process on the test's own database: PostgreSQL's test
database by name, or — SQLite's test database living in this process's memory — a file
copy of it, copied back when the worker is done.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tongban.supervision import actions
from tongban.supervision.models import DeliveryAttempt, Push

from .conftest import Receiver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PUSHES = 3
SUBPROCESS_SETTINGS = """
from tongban.settings.test import *  # noqa: F403

TONGBAN_SUPERVISION_LEASE_SECONDS = 2
TONGBAN_SUPERVISION_TIMEOUT_SECONDS = 60
TONGBAN_SUPERVISION_BACKOFF_SECONDS = 1
"""


def _database_url(tmp_path) -> tuple[str, bool]:
    """The URL the worker uses to reach this test's database; True for a SQLite copy."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}", True
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}", False


def _copy(source, target) -> None:
    source.backup(target)


def _environment(tmp_path, url: str) -> dict:
    (tmp_path / "crash_settings.py").write_text(SUBPROCESS_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crash_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "TONGBAN_VAR_DIR": str(tmp_path / "var"),
        "TONGBAN_DATABASE_URL": url,
        # the same keys as this process: the worker decrypts the endpoint's secret
        "TONGBAN_SECRET_KEY": settings.SECRET_KEY,
        "TONGBAN_FIELD_KEY": settings.FIELD_ENCRYPTION_KEY,
        "TONGBAN_AUDIT_KEY": settings.AUDIT_CHAIN_KEY,
        "TONGBAN_LOG_LEVEL": "WARNING",
    }
    return env


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killing_the_worker_mid_delivery_loses_nothing(sw, tmp_path):
    run = [sys.executable, "-m", "tongban.cli"]
    # The first request hangs (longer than the test waits): the worker is killed in it.
    with Receiver(delays=[30]) as receiver:
        actions.create_endpoint(sw.p(sw.admin), sw.amr, receiver.url)
        for _ in range(PUSHES):
            sw.approve()
        pushes = list(Push.objects.order_by("pk"))
        assert len(pushes) == PUSHES
        # only the deliveries: the certificates' and notifications' work is not this test's
        DBTaskResult.objects.exclude(task_path__startswith="tongban.supervision.").delete()

        url, is_copy = _database_url(tmp_path)
        if is_copy:
            connection.ensure_connection()
            file_db = sqlite3.connect(tmp_path / "worker.sqlite3")
            _copy(connection.connection, file_db)
            file_db.close()
        env = _environment(tmp_path, url)

        worker = subprocess.Popen(
            [*run, "worker", "--interval", "0.1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(lambda: len(receiver.requests) >= 1, 90, "the first delivery")
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        assert len(receiver.requests) == 1  # killed in the middle of the first delivery

        time.sleep(2.5)  # the dead worker's lease runs out
        recovered = subprocess.run(
            [
                *run,
                "shell",
                "-c",
                "from tongban.supervision import tasks; tasks.recover_deliveries.call()",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert recovered.returncode == 0, recovered.stderr
        restarted = subprocess.run(
            [*run, "worker", "--batch"], env=env, capture_output=True, text=True, timeout=180
        )
        assert restarted.returncode == 0, restarted.stderr
        seen = receiver.keys()

    if is_copy:
        file_db = sqlite3.connect(tmp_path / "worker.sqlite3")
        connection.ensure_connection()
        _copy(file_db, connection.connection)
        file_db.close()

    expected = {str(push.idempotency_key) for push in pushes}
    assert set(seen) == expected  # every push reached the department …
    assert len(seen) == PUSHES + 1  # … the interrupted one twice, under the same key
    states = dict(Push.objects.values_list("idempotency_key", "delivery_state"))
    assert set(states.values()) == {Push.Delivery.DELIVERED}
    for push in Push.objects.all():
        outcomes = list(push.delivery_attempts.values_list("outcome", flat=True))
        assert outcomes.count(DeliveryAttempt.Outcome.DELIVERED) == 1, outcomes
    first = Push.objects.get(pk=pushes[0].pk)
    assert list(first.delivery_attempts.values_list("outcome", flat=True)) == [
        DeliveryAttempt.Outcome.INTERRUPTED,
        DeliveryAttempt.Outcome.DELIVERED,
    ]
