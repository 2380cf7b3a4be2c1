"""The task backend: django-tasks-db's database backend, with a cheaper enqueue.

Enqueueing writes one row in the caller's transaction (so a task exists exactly when the
change that caused it does). Every case action enqueues a delivery, so the row is written
with the statement compiled once per process (``core.sql``) instead of through the ORM.
"""

from typing import Any

from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend
from django_tasks_db.backend import normalize_json

from . import sql


class DatabaseBackend(_DatabaseBackend):
    def _task_to_db_task(self, task, args: Any, kwargs: Any):
        from django_tasks_db.models import DBTaskResult, get_date_max  # loaded after apps

        row = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the package's pre_save handler does; ``sql.insert`` sends no signals.
            run_after=get_date_max() if task.run_after is None else task.run_after,
            backend_name=self.alias,
        )
        return sql.insert(row)
