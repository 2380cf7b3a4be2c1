"""Background work of the cases app (run by ``tongban worker``)."""

from django_tasks import task

from . import warnings


@task()
def check_deadlines() -> dict[str, int]:
    return warnings.raise_warnings()
