"""The daily sequence in case codes (implementation code + date + 4 digits).

On PostgreSQL a number is taken on a connection of its own, in its own one-statement
transaction, like a database sequence: the counter row is locked for that statement only.
Taken inside the action's transaction, the row stayed locked until the action committed,
so every other submission of the same item that day waited for it — a bundle of seven
items held seven such rows for its whole submission. The price, as with any sequence: a
number taken by an action that then fails is not reused (a gap in the day's numbers; no
number is ever given twice).

SQLite has a single writer anyway; there the number is taken in the action's transaction.
"""

import datetime as dt
import threading

from django.db import connections
from django.db.models import F

from .models import CaseCounter

_local = threading.local()
_opened: list = []  # every thread's, so that one call closes them all
_opened_lock = threading.Lock()


def _statement() -> str:
    table = CaseCounter._meta.db_table
    return (
        f"INSERT INTO {table} (prefix, day, last) VALUES (%s, %s, 1) "  # noqa: S608 (a name)
        f"ON CONFLICT (prefix, day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )


def _own_connection(using: str):
    import psycopg

    own = getattr(_local, "connections", {}).get(using)
    if own is None or own.closed or own.broken:
        params = connections[using].get_connection_params()
        own = psycopg.connect(**params, autocommit=True)
        # A number's own commit need not wait for the disk: the transaction that uses it
        # commits after it and waits for the log up to its own commit, which takes the
        # counter's change along. Should the server stop before that, no committed case
        # holds the number, and giving it again is harmless.
        own.execute("SET synchronous_commit TO off")
        _local.__dict__.setdefault("connections", {})[using] = own
        with _opened_lock:
            _opened.append(own)
    return own


def next_number(prefix: str, day: dt.date, using: str = "default") -> int:
    connection = connections[using]
    if connection.vendor != "postgresql":
        counter, _created = (
            CaseCounter.objects.using(using)
            .select_for_update()
            .get_or_create(prefix=prefix, day=day)
        )
        CaseCounter.objects.using(using).filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
        return counter.last
    import psycopg

    for attempt in range(2):
        own = _own_connection(using)
        try:
            with own.cursor() as cursor:
                cursor.execute(_statement(), [prefix, day])
                return cursor.fetchone()[0]
        except psycopg.OperationalError:
            own.close()  # e.g. the server restarted: connect again, once
            if attempt:
                raise
    raise AssertionError("unreachable")


def close_connections() -> None:
    """Close every thread's numbering connections (e.g. before a test database is dropped);
    a thread that needs one again opens a new one."""
    with _opened_lock:
        for own in _opened:
            own.close()
        _opened.clear()
