"""Applications for one-thing bundles (一件事一链办).

The bundle itself is catalog data (``catalog.Bundle``): its items, the one form filled
once (一表填报) and how its fields map onto each item's case form; ``catalog.bundles``
merges the items' questions and materials. Applying creates a :class:`BundleCase` (the
parent) and one case per item (:class:`BundleMember`), each routed to its own agency and
decided in parallel (并联审批). The parent's status follows from its members (see
``status.py``); the cases app knows nothing of bundles.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import Bundle
from tongban.org.models import Applicant


class BundleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Supplement requested")
    RESULTS_READY = "results_ready", _("Results ready for pickup")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BundleCase(models.Model):
    """An application for a bundle (the parent case)."""

    code = models.CharField(_("code"), max_length=40, unique=True, null=True, blank=True)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    form_data = models.JSONField(_("the one form"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=BundleStatus.choices, default=BundleStatus.DRAFT
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    due = models.DateTimeField(_("promised by"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["applicant", "-created_at"], name="bundle_applicant")]
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")

    def __str__(self) -> str:
        return self.code or _("draft bundle %(pk)s") % {"pk": self.pk}


class Outcome(models.TextChoices):
    """How a member case ended, which its status alone does not say once the result is out
    (a denial is issued like a licence)."""

    OPEN = "open", _("Not decided yet")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    TERMINATED = "terminated", _("Terminated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BundleMember(models.Model):
    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, related_name="members")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        ordering = ["bundle_case", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.bundle_case} · {self.case}"
