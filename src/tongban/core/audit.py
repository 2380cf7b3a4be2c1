"""The audit log: append an entry for every state change; verify the chain.

Callers use :func:`record` inside the transaction of the change, so the entry exists
exactly when the change does.
"""

import contextlib
import contextvars
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import sql
from .context import Actor, current_actor, current_request_id
from .models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64

# The head row is read (and locked) by every change in the system: compiled once.
_HEAD = sql.Prepared(lambda pk: AuditHead.objects.select_for_update().filter(pk=pk))


def _mac(message: str) -> str:
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def entry_digest(entry: AuditEntry) -> str:
    payload = {
        "sequence": entry.sequence,
        "recorded_at": entry.recorded_at.isoformat(),
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "actor_role": entry.actor_role,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "action": entry.action,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "previous_hash": entry.previous_hash,
    }
    return _mac(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str))


def head_digest(sequence: int, last_hash: str) -> str:
    return _mac(f"head:{sequence}:{last_hash}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    actor: Actor | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
) -> AuditEntry:
    """Append one entry. ``changes`` maps a field to ``[old, new]`` (or any summary)."""
    actor = actor or current_actor() or Actor.system()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:255]
    entry = AuditEntry(
        recorded_at=timezone.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label[:150],
        actor_role=actor.role[:64],
        object_type=object_type,
        object_id=object_id[:64],
        object_label=object_label[:255],
        action=action,
        changes=_jsonable(changes or {}),
        request_id=current_request_id(),
    )
    pending = kept_here()
    if pending is not None:
        pending.append(entry)  # appended at the end of ``deferred()``
    else:
        # Inside a savepoint newer than the block: appended now, so that rolling the
        # savepoint back takes the entry with it (a kept one would outlive it).
        _append([entry])
    return entry


# Entries waiting for the end of a ``deferred()`` block, in the order they were recorded.
_pending: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar(
    "audit_pending", default=None
)
# The savepoints open when that block began.
_pending_depth: contextvars.ContextVar[int] = contextvars.ContextVar("audit_depth", default=0)


def kept_here() -> list[AuditEntry] | None:
    """The entries a ``deferred()`` block open at this savepoint depth keeps, or None."""
    pending = _pending.get()
    if pending is not None and sql.savepoint_depth() == _pending_depth.get():
        return pending
    return None


@contextlib.contextmanager
def joined_from_savepoint() -> Iterator[None]:
    """Inside a savepoint just opened: entries recorded here join the block kept outside
    it (the caller strikes them when the savepoint rolls back, ``core.batching``)."""
    token = _pending_depth.set(sql.savepoint_depth())
    try:
        yield
    finally:
        _pending_depth.reset(token)


@contextlib.contextmanager
def deferred(riders: Callable[[], Sequence[models.Model]] | None = None) -> Iterator[None]:
    """Entries recorded inside the block are appended together when it ends, still inside
    the caller's transaction (nothing is appended if the block fails).

    The chain's head row stays locked from an append to the commit, and every change in
    the system appends: an action that changes many things (a bundle's seven cases) would
    otherwise hold it for all its work, and everyone else would wait. A block inside
    another joins the outer one.

    ``riders``: called at the end, rows to insert in the append's statement (the tasks a
    case action enqueued): one round trip fewer. Ignored in a block that joins another.

    A block inside a savepoint newer than the outer block's is a block of its own,
    appended when it ends, inside that savepoint: rolling the savepoint back takes its
    entries with it.
    """
    if kept_here() is not None:
        yield
        return
    token = _pending.set([])
    depth_token = _pending_depth.set(sql.savepoint_depth())
    try:
        yield
        entries = _pending.get()
    finally:
        _pending.reset(token)
        _pending_depth.reset(depth_token)
    if entries:
        _append(entries, riders() if riders is not None else ())


def _append(entries: list[AuditEntry], riders: Sequence[models.Model] = ()) -> None:
    # No savepoint: inside the caller's transaction a failure aborts the whole action anyway.
    with transaction.atomic(savepoint=False):
        head = _HEAD.first(1)
        if head is None:
            head = AuditHead.objects.create(pk=1, last_sequence=0, last_hash=GENESIS_HASH)
        for entry in entries:
            entry.sequence = head.last_sequence + 1
            entry.previous_hash = head.last_hash
            entry.entry_hash = entry_digest(entry)
            head.last_sequence = entry.sequence
            head.last_hash = entry.entry_hash
        head.head_mac = head_digest(head.last_sequence, head.last_hash)
        sql.insert_many_and_update(
            entries, head, ["last_sequence", "last_hash", "head_mac"], riders=riders
        )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-able data, for :func:`diff`."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in {"password"}:
            continue
        values[field.name] = _jsonable(field.value_from_object(obj))
    return values


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the stored chain disagrees with itself."""

    sequence: int
    kind: str  # "edited" | "inserted" | "deleted"
    detail: str


def _with_next(entries: Iterator[AuditEntry]) -> Iterator[tuple[AuditEntry, AuditEntry | None]]:
    current = next(entries, None)
    while current is not None:
        following = next(entries, None)
        yield current, following
        current = following


def verify_chain(batch_size: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return the number of entries checked and the first problem."""
    head = AuditHead.objects.filter(pk=1).first()
    recorded_end = head.last_sequence if head else 0
    previous_hash, expected_sequence, checked = GENESIS_HASH, 1, 0
    entries = AuditEntry.objects.order_by("sequence").iterator(chunk_size=batch_size)
    for entry, following in _with_next(entries):
        if entry.sequence > recorded_end:  # past the MACed head: never recorded by the chain
            return checked, ChainProblem(
                entry.sequence, "inserted", "entries follow the recorded end of the chain"
            )
        problem = _check(entry, previous_hash, expected_sequence, following)
        if problem:
            return checked, problem
        previous_hash, expected_sequence = entry.entry_hash, entry.sequence + 1
        checked += 1
    if head is None:
        return checked, None
    if head.head_mac != head_digest(head.last_sequence, head.last_hash):
        return checked, ChainProblem(head.last_sequence, "edited", "the chain head was altered")
    if head.last_sequence >= expected_sequence:
        return checked, ChainProblem(
            expected_sequence,
            "deleted",
            f"entries {expected_sequence}–{head.last_sequence} are missing from the end",
        )
    if head.last_hash != previous_hash:
        return checked, ChainProblem(head.last_sequence, "edited", "the last entry was replaced")
    return checked, None


def _verifies_as(entry: AuditEntry, sequence: int) -> bool:
    """Whether ``entry`` would be intact had it kept ``sequence`` (detects renumbering)."""
    original = entry.sequence
    entry.sequence = sequence
    try:
        return entry_digest(entry) == entry.entry_hash
    finally:
        entry.sequence = original


def _check(
    entry: AuditEntry, previous_hash: str, expected_sequence: int, following: AuditEntry | None
) -> ChainProblem | None:
    if entry.sequence > expected_sequence:
        return ChainProblem(
            expected_sequence,
            "deleted",
            f"entries {expected_sequence}–{entry.sequence - 1} are missing",
        )
    if entry_digest(entry) != entry.entry_hash:
        # Renumbering hides an insertion or deletion behind a contiguous sequence; the
        # entries around it still verify under their original numbers.
        if (
            following is not None
            and following.previous_hash == previous_hash
            and _verifies_as(following, entry.sequence)
        ):
            return ChainProblem(entry.sequence, "inserted", "an entry the chain never recorded")
        if entry.previous_hash != previous_hash and _verifies_as(entry, entry.sequence + 1):
            return ChainProblem(entry.sequence, "deleted", "the entry before this one was removed")
        return ChainProblem(entry.sequence, "edited", "the entry's content no longer matches")
    if entry.previous_hash != previous_hash:
        if following is not None and following.previous_hash == previous_hash:
            return ChainProblem(entry.sequence, "inserted", "an entry the chain never recorded")
        return ChainProblem(entry.sequence, "deleted", "the entry before this one was removed")
    return None
