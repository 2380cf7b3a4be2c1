"""What apps above the cases react to, without the cases app knowing them.

- :data:`case_acted`: sent after every action that changed a case, inside the action's
  transaction, once the case row is saved (``case``, ``action``, ``source``: the status
  before the action). A receiver's change
  commits or rolls back with the action; a receiver's error aborts the action.
- :func:`register_notice_handler`: a function ``(case, action) -> bool`` that returns
  True when it tells the applicant itself (a bundle sends one notice for all its cases);
  the case then sends no notice of its own for that action.
- :func:`register_material_confirmer`: a function ``(case, materials) -> set[int]`` that
  returns the ids of those materials a data source confirmed for the case (三减一优); a
  material naming a data source (``Material.shared_source``) is asked for unless confirmed.
- :func:`register_submit_handler`: a function ``(case) -> None`` called when a case was
  submitted, inside the submission's transaction with the case row locked and saved;
  it may act on that very ``case`` object (instant approval decides it there).
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


_material_confirmers: list[Callable] = []


def register_material_confirmer(confirmer: Callable) -> None:
    if confirmer not in _material_confirmers:
        _material_confirmers.append(confirmer)


def confirmed_materials(case, materials: list) -> set[int]:
    confirmed: set[int] = set()
    for confirmer in _material_confirmers:
        confirmed |= set(confirmer(case, materials))
    return confirmed


_submit_handlers: list[Callable] = []


def register_submit_handler(handler: Callable) -> None:
    if handler not in _submit_handlers:
        _submit_handlers.append(handler)


def submitted(case) -> None:
    for handler in _submit_handlers:
        handler(case)
