"""Server-side sessions in the database, read with one precompiled statement.

Every logged-in request reads its session row; Django's database engine builds that
SELECT through the ORM each time, which on our machines costs more Python than the
database takes to answer. This engine is Django's ``db`` engine with only the read
replaced by the same statement (the row by key, if not expired) written once per
process. Saving, creating, cycling keys, deleting (logout) and ``clearsessions`` are
Django's own: the row in the database stays the one truth, so a logout in any process is
seen by the very next request everywhere.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from tongban.core.sql import hot_cursor


@functools.cache
def _select(model, using: str) -> str:
    quote = connections[using].ops.quote_name
    meta = model._meta
    key = meta.get_field("session_key").column
    data = meta.get_field("session_data").column
    expire = meta.get_field("expire_date").column
    return (
        f"SELECT {quote(data)} FROM {quote(meta.db_table)}"  # noqa: S608 (names, not values)
        f" WHERE {quote(key)} = %s AND {quote(expire)} > %s"
    )


class SessionStore(DatabaseSessionStore):
    """Django's database session store with a cheaper read of the session row."""

    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        sql = _select(model, using)
        # The value the ORM would send for ``expire_date__gt=now`` (a UTC string on SQLite).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        # Bound on the server on PostgreSQL, so the statement is prepared once per
        # connection (the session key differs on every call, the text does not).
        with hot_cursor(using) as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # As Django's engine: an unknown or expired key is dropped, a new one is made
            # if the session is then written to.
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
