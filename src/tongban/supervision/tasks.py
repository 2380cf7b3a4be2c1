"""The background work of 审管互动 (run by ``tongban worker``)."""

from django_tasks import task


@task()
def deliver_push(push_id: int) -> str:
    """One delivery attempt of a pushed result to the department's system."""
    from .delivery import deliver

    return deliver(push_id)


@task()
def recover_deliveries() -> str:
    """Periodic: deliveries cut short by a dead worker, and due ones with no task queued."""
    from .delivery import recover

    done = recover()
    return f"interrupted {done['interrupted']}, enqueued {done['enqueued']}"


@task()
def escalate_unclaimed() -> str:
    """Periodic: results left unclaimed past their claim deadline (idempotent)."""
    from .actions import escalate_due

    return f"escalated {escalate_due()}"
