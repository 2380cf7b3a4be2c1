"""The settings of 审管互动, each with its default (settings files need not name them).

- ``TONGBAN_SUPERVISION_CLAIM_DAYS`` (3): working days a department has to claim a result
  before it is escalated.
- ``TONGBAN_SUPERVISION_MAX_ATTEMPTS`` (8): webhook attempts before a push is "failed".
- ``TONGBAN_SUPERVISION_BACKOFF_SECONDS`` (30): the wait after the first failed attempt;
  it doubles after each further failure, up to ``TONGBAN_SUPERVISION_BACKOFF_MAX_SECONDS``
  (6 hours).
- ``TONGBAN_SUPERVISION_TIMEOUT_SECONDS`` (10): how long one POST may take.
- ``TONGBAN_SUPERVISION_LEASE_SECONDS`` (60): how long a delivery in progress holds its
  push; longer than the timeout, so only a dead worker's lease runs out.
"""

import datetime as dt

from django.conf import settings


def claim_days() -> int:
    return int(getattr(settings, "TONGBAN_SUPERVISION_CLAIM_DAYS", 3))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "TONGBAN_SUPERVISION_MAX_ATTEMPTS", 8)))


def backoff(attempts_made: int) -> dt.timedelta:
    """The wait before the next attempt, after ``attempts_made`` failed ones."""
    base = float(getattr(settings, "TONGBAN_SUPERVISION_BACKOFF_SECONDS", 30))
    ceiling = float(getattr(settings, "TONGBAN_SUPERVISION_BACKOFF_MAX_SECONDS", 6 * 3600))
    return dt.timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts_made - 1)))


def timeout() -> float:
    return float(getattr(settings, "TONGBAN_SUPERVISION_TIMEOUT_SECONDS", 10))


def lease() -> dt.timedelta:
    seconds = float(getattr(settings, "TONGBAN_SUPERVISION_LEASE_SECONDS", 60))
    return dt.timedelta(seconds=max(seconds, 1.0))
