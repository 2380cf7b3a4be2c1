"""Accepting through the API in few statements (the ≥ 300 accepts/s target of
``bench/cases_accept.py`` rests on it), with nothing lost on the way: the tasks the action
enqueued ride on its audit append and exist after it; a task or audit entry made inside
a savepoint that is rolled back is gone with it."""

import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from tongban.cases import actions
from tongban.core import audit, task_backend
from tongban.core.models import AuditEntry
from tongban.core.tasks import deliver_notification

from .helpers import online_case


def _accept_over_api(world, case):
    client = Client()
    client.force_login(world.clerk)
    client.get("/api/v1/cases/inbox")  # the session's first read is not the point here
    body = json.dumps({"service_point": world.hall.pk, "window": world.window.pk})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/cases/{case.pk}/actions/accept", body, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    statements = [q["sql"] or "" for q in queries.captured_queries]
    # The test's own transaction makes the action's a savepoint: not counted.
    return response.json(), [s for s in statements if "SAVEPOINT" not in s]


def test_accept_through_the_api_in_few_statements(world):
    # The first acceptance fills what a process keeps (the item's steps, opening hours).
    _accept_over_api(world, actions.submit(world.p(world.citizen), online_case(world)))
    case = actions.submit(world.p(world.citizen), online_case(world))
    tasks_before = DBTaskResult.objects.count()
    body, statements = _accept_over_api(world, case)
    assert body["status"] == "in_review" and body["materials"]
    writes = [s for s in statements if s.lstrip().startswith(("INSERT", "UPDATE", "WITH"))]
    if connection.vendor == "postgresql":
        # session; user and roles; window and hall; lock; materials (the answer shows
        # them as read); credit; event; notifications; the hall's opening hours; the case;
        # audit head; audit entry, head and tasks
        assert len(statements) <= 12, statements
        assert not any(s.startswith('INSERT INTO "django_tasks') for s in writes)
        assert any(s.startswith("WITH") and "django_tasks" in s for s in writes)
    client = Client()
    client.force_login(world.clerk)
    again = client.get(f"/api/v1/cases/{case.pk}").json()
    # The answer shows the files as the action read them: the same as a fresh read.
    for key in ("materials", "supplements", "refusals", "status", "revision"):
        assert body[key] == again[key], key
    assert DBTaskResult.objects.count() > tasks_before  # the SMS, archiving
    assert AuditEntry.objects.filter(action="case.accept", object_id=str(case.pk)).exists()
    assert audit.verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_savepoint_is_gone_with_it(db):
    with transaction.atomic(), task_backend.enqueued_together():
        deliver_notification.enqueue(1)
        try:
            with transaction.atomic():
                deliver_notification.enqueue(2)
                audit.record("test.inner", object_type="test", object_id="2")
                raise RuntimeError("this part fails")
        except RuntimeError:
            pass
        deliver_notification.enqueue(3)
    assert sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.all()) == [1, 3]


@pytest.mark.django_db(transaction=True)
def test_an_audit_entry_recorded_in_a_rolled_back_savepoint_is_gone_with_it(db):
    with transaction.atomic(), audit.deferred(riders=task_backend.rows_to_write):
        audit.record("test.outer", object_type="test", object_id="1")
        try:
            with transaction.atomic():
                audit.record("test.inner", object_type="test", object_id="2")
                raise RuntimeError("this part fails")
        except RuntimeError:
            pass
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.outer"]
    assert audit.verify_chain()[1] is None
