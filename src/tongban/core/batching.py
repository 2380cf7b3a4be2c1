"""A savepoint whose audit entries and tasks join the write that encloses it.

Case actions keep their audit entries and tasks in memory and write them in one
statement at the end (``audit.deferred``, ``task_backend.enqueued_together``). An entry
made inside a newer savepoint is normally written at once, inside it, so that rolling the
savepoint back takes the entry with it — one more head lock and append per savepoint.

:func:`savepoint` keeps them instead: what is made inside joins the enclosing blocks'
lists, and is struck from them when the savepoint rolls back. An instant decision runs
in such a savepoint (a failure must not lose the submission), and its entries then ride
on the submission's one append.
"""

import contextlib
from collections.abc import Iterator

from django.db import transaction

from . import audit, task_backend


@contextlib.contextmanager
def savepoint() -> Iterator[None]:
    """``transaction.atomic()`` (a savepoint) whose audit entries and tasks are kept by
    the enclosing ``audit.deferred`` and ``task_backend.enqueued_together`` blocks when
    both are open at this depth; otherwise a savepoint with blocks of its own, written
    inside it when it ends."""
    entries = audit.kept_here()
    tasks = task_backend.kept_here()
    if entries is None or tasks is None:
        with (
            transaction.atomic(),
            task_backend.enqueued_together(),
            audit.deferred(riders=task_backend.rows_to_write),
        ):
            yield
        return
    entries_mark, tasks_mark = len(entries), tasks.mark()
    try:
        with transaction.atomic(), audit.joined_from_savepoint(), tasks.joined_from_savepoint():
            yield
    except BaseException:
        del entries[entries_mark:]  # rolled back with the savepoint
        tasks.forget_since(tasks_mark)
        raise
