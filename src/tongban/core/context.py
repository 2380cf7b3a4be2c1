"""Who is acting and in which request: carried in context variables.

Actions read the actor and request id from here when the caller does not pass them,
so a web request, an API call, a task and a management command all audit the same way.
"""

import contextlib
import logging
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person or system an audit entry is attributed to."""

    user_id: int | None
    label: str
    role: str = ""

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(user_id=None, label=label, role="system")


_request_id: ContextVar[str] = ContextVar("tongban_request_id", default="")
_actor: ContextVar[Actor | None] = ContextVar("tongban_actor", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return _request_id.get()


def current_actor() -> Actor | None:
    return _actor.get()


@contextlib.contextmanager
def acting_as(actor: Actor | None, request_id: str | None = None) -> Iterator[None]:
    """Attribute everything done inside the block to ``actor``."""
    actor_token = _actor.set(actor)
    request_token = _request_id.set(request_id or _request_id.get() or new_request_id())
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _request_id.reset(request_token)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def set_actor(actor: Actor | None) -> None:
    """Set the actor for the rest of this request or task (the middleware resets it)."""
    _actor.set(actor)
