"""The audit chain detects each kind of tampering: edit, insert, delete (middle and tail)."""

import pytest
from django.core.management import call_command
from django.db import connection

from tongban.core import audit
from tongban.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


def _fill(count: int = 6) -> list[AuditEntry]:
    return [
        audit.record("test.step", object_type="test.thing", object_id=str(i), changes={"i": i})
        for i in range(1, count + 1)
    ]


def _bypass_append_only_triggers() -> None:
    """What an intruder with full database rights does first (undone when the test's
    transaction rolls back): the hash chain must catch what the triggers no longer stop."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")


def _sql(statement: str, params=()) -> None:
    _bypass_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _forge(sequence: int, *, after: AuditEntry) -> None:
    """Insert an entry the chain never recorded, linked to ``after`` (no key: a guessed MAC)."""
    _sql(
        f"INSERT INTO {TABLE} (sequence, recorded_at, actor_user_id, actor_label, actor_role, "
        "object_type, object_id, object_label, action, changes, request_id, previous_hash, "
        "entry_hash) VALUES (%s, %s, NULL, 'intruder', '', 'test.thing', '99', '', "
        "'test.forged', '{}', '', %s, %s)",
        [sequence, after.recorded_at, after.entry_hash, "f" * 64],
    )


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET action = 'x' WHERE sequence = 1",
        f"DELETE FROM {TABLE} WHERE sequence = 1",
    ],
)
def test_the_database_itself_refuses_update_and_delete(statement):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL (production) has the append-only trigger")
    from django.db import DatabaseError, transaction

    _fill(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert audit.verify_chain() == (1, None)


def test_untouched_chain_verifies():
    _fill()
    checked, problem = audit.verify_chain()
    assert (checked, problem) == (6, None)


def test_the_model_refuses_update_and_delete():
    entry = _fill(1)[0]
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


def test_edited_entry_is_reported_at_its_sequence():
    _fill()
    _sql(f"UPDATE {TABLE} SET action = %s WHERE sequence = 3", ["test.forged"])
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (3, "edited")


def test_edited_changes_field_is_reported():
    _fill()
    _sql(f"UPDATE {TABLE} SET changes = %s WHERE sequence = 5", ['{"i": 50}'])
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (5, "edited")


def test_deleted_middle_entry_is_reported():
    _fill()
    _sql(f"DELETE FROM {TABLE} WHERE sequence = 4")
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (4, "deleted")


def test_deleted_and_renumbered_entry_is_reported():
    _fill()
    _sql(f"DELETE FROM {TABLE} WHERE sequence = 2")
    for sequence in range(3, 7):
        _sql(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [sequence - 1, sequence])
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (2, "deleted")


def test_deleted_tail_is_reported():
    _fill()
    _sql(f"DELETE FROM {TABLE} WHERE sequence >= 5")
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (5, "deleted")


def test_deleted_tail_with_head_rewound_is_reported():
    entries = _fill()
    _sql(f"DELETE FROM {TABLE} WHERE sequence = 6")
    AuditHead.objects.filter(pk=1).update(last_sequence=5, last_hash=entries[4].entry_hash)
    _, problem = audit.verify_chain()
    assert problem is not None and problem.kind == "edited"


def test_inserted_entry_in_the_middle_is_reported():
    _fill()
    for sequence in range(6, 3, -1):
        _sql(f"UPDATE {TABLE} SET sequence = %s WHERE sequence = %s", [sequence + 1, sequence])
    _forge(4, after=AuditEntry.objects.get(sequence=3))
    _, problem = audit.verify_chain()
    assert (problem.sequence, problem.kind) == (4, "inserted")


def test_appended_entry_is_reported():
    entries = _fill()
    _forge(7, after=entries[-1])
    _, problem = audit.verify_chain()
    assert problem.kind == "inserted"
    assert problem.sequence == 7


def test_command_reports_intact_chain(capsys):
    _fill(3)
    call_command("audit", "verify")
    assert "3 entries verified" in capsys.readouterr().out


def test_command_exits_1_and_names_the_first_broken_entry(capsys):
    _fill()
    _sql(f"UPDATE {TABLE} SET actor_label = 'someone else' WHERE sequence = 2")
    _sql(f"DELETE FROM {TABLE} WHERE sequence = 5")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "entry 2: edited" in capsys.readouterr().err


def test_entry_carries_actor_and_request_id():
    from tongban.core.context import Actor, acting_as

    with acting_as(Actor(user_id=7, label="clerk", role="window_clerk"), request_id="req-12345678"):
        entry = audit.record("test.step", object_type="test.thing", object_id="1")
    assert (entry.actor_label, entry.actor_role, entry.request_id) == (
        "clerk",
        "window_clerk",
        "req-12345678",
    )


def test_entry_written_in_a_rolled_back_transaction_disappears_with_it():
    from django.db import transaction

    _fill(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.step", object_type="test.thing", object_id="x")
        raise RuntimeError
    assert AuditEntry.objects.count() == 2
    assert audit.verify_chain() == (2, None)


def test_deferred_entries_are_appended_together_in_order_and_verify():
    audit.record("test.before", object_type="test.thing", object_id="0")
    with audit.deferred():
        for i in range(1, 4):
            audit.record("test.step", object_type="test.thing", object_id=str(i))
        # nothing in the chain yet: the head is not locked while the work goes on
        assert AuditEntry.objects.count() == 1
        with audit.deferred():  # an inner block joins the outer one
            audit.record("test.inner", object_type="test.thing", object_id="4")
        assert AuditEntry.objects.count() == 1
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.object_id for e in entries] == ["0", "1", "2", "3", "4"]
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert audit.verify_chain() == (5, None)
    assert AuditHead.objects.get().last_sequence == 5


def test_a_failed_deferred_block_appends_nothing():
    with pytest.raises(RuntimeError), audit.deferred():
        audit.record("test.lost", object_type="test.thing", object_id="1")
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()
