"""Cost of the audit chain: every action appends one entry under a row lock.

Baseline: inserting the same row into a plain table without the chain (the notification
outbox), in the same run and transaction pattern.
"""

import statistics
import time

from django.db import transaction

from tongban.core import audit
from tongban.core.models import Notification
from tongban.org.models import User

ROUNDS = 2000


def _timed(label: str, operation) -> list[float]:
    samples = []
    for index in range(ROUNDS):
        started = time.perf_counter()
        with transaction.atomic():
            operation(index)
        samples.append(time.perf_counter() - started)
    return samples


def _report(name: str, samples: list[float]) -> float:
    samples.sort()
    rate = len(samples) / sum(samples)
    p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    print(f"{name}_rate: {rate:.0f} per_s")
    print(f"{name}_p50: {statistics.median(samples) * 1000:.3f} ms")
    print(f"{name}_p99: {p99:.3f} ms")
    return rate


def run() -> None:
    user, _ = User.objects.get_or_create(username="bench", defaults={"kind": "staff"})
    baseline = _report(
        "plain_insert",
        _timed(
            "plain",
            lambda i: Notification.objects.create(
                recipient=user, channel="inbox", subject="bench", body=str(i)
            ),
        ),
    )
    chained = _report(
        "audit_append",
        _timed(
            "audit",
            lambda i: audit.record(
                "bench.step", object_type="bench.thing", object_id=str(i), changes={"i": i}
            ),
        ),
    )
    print(f"audit_append_vs_plain_insert: {chained / baseline:.2f} ratio")
    started = time.perf_counter()
    checked, problem = audit.verify_chain()
    elapsed = time.perf_counter() - started
    assert problem is None
    print(f"audit_verify_rate: {checked / elapsed:.0f} entries_per_s")
