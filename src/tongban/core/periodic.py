"""Periodic tasks: apps register what must run every so often; ``tongban periodic``
enqueues each when due, and the task workers run it (so a slow task never blocks the
schedule, and several workers share the load). Run one ``periodic`` process per site; a
duplicate only enqueues a task twice, and every periodic task is written to be idempotent.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    task: Any  # a django_tasks Task


_registry: dict[str, Periodic] = {}


def register(name: str, every: dt.timedelta, task: Any) -> None:
    _registry[name] = Periodic(name=name, every=every, task=task)


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda p: p.name)
