"""Django's PostgreSQL backend with a health check that costs no round trip.

A kept connection (``CONN_MAX_AGE``) is checked before each request uses it
(``CONN_HEALTH_CHECKS``). Django checks with ``SELECT 1``: one more round trip on every
request, a twelfth of an acceptance through the API. A server that ended the connection
(a restart, ``pg_terminate_backend``, an idle timeout) has told the socket so — a
termination notice, then end of file — so a connection that is idle, not known broken,
and has nothing waiting on its socket is taken as usable without asking. Anything
waiting (even a harmless notice) closes the connection and the request opens a new one.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as _DatabaseWrapper
from psycopg import pq


class DatabaseWrapper(_DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()  # mid-transaction: only the server can tell
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not waiting
