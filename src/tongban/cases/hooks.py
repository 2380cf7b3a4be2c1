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
- :func:`register_acceptance_guard`: a function ``(case, action) -> str`` that returns why
  the applicant may not have ``action`` ("accept_tolerant", "accept_on_commitment",
  "sign_commitment"), or "" (a black-listed applicant gets no 容缺 and no 告知承诺).
- :func:`register_acceptance_adjuster`: a function ``(case) -> list[Adjustment]`` called
  when a case is accepted, after its time limits and before its first step; it may shorten
  ``case.promised_limit`` or add review steps (``case.added_steps``), and says why in each
  :class:`Adjustment`, which the case records as an event (credit-based approval).
"""

from collections.abc import Callable
from dataclasses import dataclass

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


_acceptance_guards: list[Callable] = []


def register_acceptance_guard(guard: Callable) -> None:
    if guard not in _acceptance_guards:
        _acceptance_guards.append(guard)


def acceptance_refusal(case, action: str) -> str:
    """Why ``action`` is not open to this case's applicant, or "" when it is."""
    for guard in _acceptance_guards:
        reason = guard(case, action)
        if reason:
            return reason
    return ""


@dataclass(frozen=True)
class Adjustment:
    note: str  # what changed and why, e.g. "快速通道：自2023-11-27起无不良记录"
    public: bool = True  # shown to the applicant too
    data: dict | None = None


_acceptance_adjusters: list[Callable] = []


def register_acceptance_adjuster(adjuster: Callable) -> None:
    if adjuster not in _acceptance_adjusters:
        _acceptance_adjusters.append(adjuster)


def adjust_acceptance(case) -> list[Adjustment]:
    adjustments: list[Adjustment] = []
    for adjuster in _acceptance_adjusters:
        adjustments.extend(adjuster(case))
    return adjustments
