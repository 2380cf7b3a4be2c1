"""What apps above the cases react to, without the cases app knowing them.

- :data:`case_acted`: sent after every action that changed a case, inside the action's
  transaction, once the case row is saved (``case``, ``action``). A receiver's change
  commits or rolls back with the action; a receiver's error aborts the action.
- :func:`register_notice_handler`: a function ``(case, action) -> bool`` that returns
  True when it tells the applicant itself (a bundle sends one notice for all its cases);
  the case then sends no notice of its own for that action.
"""

from collections.abc import Callable

from django.dispatch import Signal

case_acted = Signal()

_notice_handlers: list[Callable] = []


def register_notice_handler(handler: Callable) -> None:
    if handler not in _notice_handlers:
        _notice_handlers.append(handler)


def notice_handled_elsewhere(case, action: str) -> bool:
    return any(handler(case, action) for handler in _notice_handlers)
