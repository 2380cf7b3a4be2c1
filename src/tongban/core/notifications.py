"""Telling people things: outbox rows written with the change, delivered by a task."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import audit, sql
from .adapters import get_adapter
from .adapters.messaging import OutgoingMessage
from .models import Notification

Channel = Notification.Channel


def notify(
    recipient, subject: str, body: str, channels: Iterable[str] = (Channel.INBOX,)
) -> list[Notification]:
    """Queue a message to ``recipient`` on each channel, in the caller's transaction.

    The in-app message is delivered at once (it is the row itself); SMS and e-mail are
    enqueued as tasks, so a rolled-back change never sends anything.
    """
    from .tasks import deliver_notification

    now = timezone.now()
    created = [
        Notification(
            recipient=recipient,
            channel=channel,
            subject=subject[:200],
            body=body,
            # The in-app message is delivered by being written.
            status=Notification.Status.SENT
            if channel == Channel.INBOX
            else Notification.Status.PENDING,
            sent_at=now if channel == Channel.INBOX else None,
        )
        for channel in channels
    ]
    # No savepoint: this runs inside the caller's transaction, and a failure aborts it all.
    with transaction.atomic(savepoint=False):
        sql.insert_many(created)
        for notification in created:
            if notification.channel != Channel.INBOX:
                deliver_notification.enqueue(notification.pk)
    return created


def address_for(notification: Notification) -> str:
    user = notification.recipient
    if notification.channel == Channel.SMS:
        return getattr(user, "phone", "") or ""
    return user.email or ""


def deliver(notification_id: int) -> str:
    """Send one notification. Idempotent: a sent one is not sent again."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .get(pk=notification_id)
        )
        if notification.status == Notification.Status.SENT:
            return "already sent"
        address = address_for(notification)
        notification.attempts += 1
        try:
            if not address:
                raise ValueError(f"the recipient has no {notification.channel} address")
            get_adapter(notification.channel).send(
                OutgoingMessage(
                    address=address, subject=notification.subject, body=notification.body
                )
            )
        except Exception as error:
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.save(update_fields=["status", "attempts", "last_error"])
            return "failed"
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["status", "attempts", "last_error", "sent_at"])
        return "sent"


def resend(notification: Notification) -> None:
    """Put a failed notification back in the queue (the resend action)."""
    from .tasks import deliver_notification

    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != Notification.Status.FAILED:
            return
        locked.status = Notification.Status.PENDING
        locked.save(update_fields=["status"])
        audit.record("notification.resend", locked, changes={"status": ["failed", "pending"]})
        deliver_notification.enqueue(locked.pk)
