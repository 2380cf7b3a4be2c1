"""审管互动: results pushed to the supervising departments, their claims, and the deliveries
of each result to a department's own system (a signed webhook).

A :class:`Push` is one result for one department: created in the case action's
transaction, claimed (认领) by the department, and — where the department configured a
:class:`WebhookEndpoint` — delivered at least once to its system. Every delivery attempt is
kept (:class:`DeliveryAttempt`), including one cut short by a worker that died.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case, CaseEvent
from tongban.catalog.models import Item
from tongban.org.models import Agency


class WebhookEndpoint(models.Model):
    """Where a supervising department's system receives pushed results. The HMAC secret is
    generated here, shown once when created or rotated, and stored encrypted."""

    agency = models.OneToOneField(
        Agency,
        on_delete=models.CASCADE,
        related_name="supervision_endpoint",
        verbose_name=_("supervising department"),
    )
    url = models.URLField(_("URL"), max_length=500)
    secret_encrypted = models.TextField(editable=False)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.agency} → {self.url}"


class Push(models.Model):
    """One result pushed to one supervising department (推送)."""

    class Event(models.TextChoices):
        APPROVAL = "approval", _("Approval")
        CHANGE = "change", _("Change (变更)")
        REVOCATION = "revocation", _("Revocation (撤销)")
        CANCELLATION = "cancellation", _("Cancellation (注销)")
        WITHDRAWAL = "withdrawal", _("Withdrawal (吊销)")

    class Delivery(models.TextChoices):
        NOT_CONFIGURED = "not_configured", _("No system configured")
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="supervision_pushes", verbose_name=_("case")
    )
    # The case event that caused the push: one push per event and department, so pushing
    # a case's history again (the demo) never duplicates a push.
    case_event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="supervision_pushes",
        verbose_name=_("supervising department"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="supervision_pushes", verbose_name=_("item")
    )
    item_name = models.CharField(_("item name"), max_length=500, blank=True)
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    payload = models.JSONField(_("payload"), default=dict)
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(_("pushed at"), db_index=True)
    claim_due = models.DateTimeField(_("claim by"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    delivery_state = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.NOT_CONFIGURED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A delivery in progress holds the lease until it records its outcome; a lease that
    # ran out means the worker died mid-delivery (the recovery task takes it back).
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pushed result")
        verbose_name_plural = _("pushed results")
        constraints = [
            models.UniqueConstraint(
                fields=["case_event", "agency"], name="supervision_push_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "claimed_at"], name="supervision_push_inbox"),
            models.Index(fields=["delivery_state", "next_attempt_at"], name="supervision_push_due"),
        ]

    def __str__(self) -> str:
        return f"{self.payload.get('case_code') or self.case_id} → {self.agency}"


class DeliveryAttempt(models.Model):
    """One POST of a push to the department's system, whatever came of it."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Refused by the receiver")
        ERROR = "error", _("Not reached")
        INTERRUPTED = "interrupted", _("Interrupted")

    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveIntegerField(_("attempt"))
    url = models.URLField(max_length=500)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    http_status = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    error = models.TextField(_("error"), blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)

    class Meta:
        ordering = ["push", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.push_id}#{self.number} {self.outcome}"
