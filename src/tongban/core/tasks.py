"""Background tasks of the core (run by ``tongban worker``)."""

from django_tasks import task

from . import notifications


@task(queue_name="notifications")
def deliver_notification(notification_id: int) -> str:
    return notifications.deliver(notification_id)
