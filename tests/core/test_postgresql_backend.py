"""The kept connection's health check without a round trip: a connection the server
ended is replaced before the request uses it; a healthy one is kept, unasked."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the check is PostgreSQL's backend's"
    ),
]


def _check() -> None:
    # What Django does before a request's first statement on a kept connection.
    connection.health_check_done = False
    connection.close_if_health_check_failed()


def _pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_kept_without_a_statement(monkeypatch):
    pid = _pid()

    def no_statement(*args, **kwargs):
        raise AssertionError("the check sent a statement")

    monkeypatch.setattr(connection.connection, "cursor", no_statement)
    monkeypatch.setattr(connection.connection, "execute", no_statement)
    assert connection.is_usable()
    monkeypatch.undo()
    _check()
    assert connection.connection is not None and _pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_it_is_used():
    pid = _pid()
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=connection.connection.info.dbname,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the termination notice reaches the socket
    _check()
    assert _pid() != pid  # a new connection, and the statement went through
