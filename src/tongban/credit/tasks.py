"""The credit app's background work (run by ``tongban worker``)."""

from django_tasks import task


@task()
def sync_credit_database() -> str:
    """Import what changed at the city credit database (periodic; idempotent: records
    are matched by their identifier at the source)."""
    from tongban.org.policy import SYSTEM

    from .actions import sync

    run = sync(SYSTEM)
    if run is None:
        return "no credit database configured"
    return f"created {run.created}, updated {run.updated}"
