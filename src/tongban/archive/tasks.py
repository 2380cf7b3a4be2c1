"""The archive's background work, enqueued by the case actions it follows (in their
transaction: a rolled-back action enqueues nothing)."""

from django_tasks import task


@task()
def follow_case(case_id: int, action: str) -> str:
    """Archive what an accepted case received, or its certificate once issued, or revoke
    the certificate of an ended licence. Idempotent: run twice, it stores nothing twice."""
    from . import actions

    return actions.follow(case_id, action)
