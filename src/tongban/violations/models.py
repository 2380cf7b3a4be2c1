"""Violation notices (告知函): a supervising department tells the bureau that a licensee
broke the law or its commitment, with evidence; the bureau decides whether to change,
revoke, cancel or withdraw the approval (审管互动, the reverse direction).

A notice is received, then decided once: a measure taken on the licence (the case's
``after_closing`` action, which the certificate follows) or dismissed. Evidence files are
kept like a case's materials: checked by their first bytes, identified by SHA-256.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.certificates.models import Certificate
from tongban.org.models import Agency


class Kind(models.TextChoices):
    LAW = "law", _("Broke the law")
    COMMITMENT = "commitment", _("Broke its commitment")
    OTHER = "other", _("Other")


class Measure(models.TextChoices):
    """What may be done to the approval (行政许可法 Art. 49, 69, 70; penalties)."""

    AMEND = "amend", _("Change (变更)")
    REVOKE = "revoke", _("Revoke (撤销)")
    CANCEL = "cancel", _("Cancel (注销)")
    WITHDRAW = "withdraw", _("Withdraw the licence (吊销)")


# The case's action for each measure (``cases.actions.after_closing``).
CASE_ACTIONS = {
    Measure.AMEND: "amend",
    Measure.REVOKE: "revoke",
    Measure.CANCEL: "cancel_licence",
    Measure.WITHDRAW: "withdraw_licence",
}


class Status(models.TextChoices):
    RECEIVED = "received", _("Awaiting the decision")
    DECIDED = "decided", _("Measure taken")
    DISMISSED = "dismissed", _("Dismissed")


class ViolationNotice(models.Model):
    """One notice letter (告知函) about one licence (an approved, issued case)."""

    code = models.CharField(_("notice number"), max_length=20, unique=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="violation_notices_sent",
        verbose_name=_("reporting department"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="violation_notices",
        verbose_name=_("licence (case)"),
    )
    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation_notices",
        verbose_name=_("certificate"),
    )
    # The case's deciding agency, copied: the chiefs' list is one index range.
    deciding_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="violation_notices_received",
        verbose_name=_("deciding agency"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    facts = models.TextField(_("facts"))
    legal_basis = models.TextField(_("legal basis of the notice"))
    proposed_measure = models.CharField(
        _("proposed measure"), max_length=16, choices=Measure.choices
    )
    received_at = models.DateTimeField(_("received at"))
    due_date = models.DateField(_("decision due"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    measure = models.CharField(
        _("measure taken"), max_length=16, choices=Measure.choices, blank=True
    )
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("violation notice")
        verbose_name_plural = _("violation notices")
        indexes = [
            models.Index(
                fields=["deciding_agency", "status", "due_date"], name="violation_to_decide"
            ),
            models.Index(fields=["agency", "-received_at"], name="violation_sent"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status == Status.RECEIVED


class Evidence(models.Model):
    """A file sent with a notice (证据材料)."""

    notice = models.ForeignKey(ViolationNotice, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to="violations/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["notice", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class NoticeCounter(models.Model):
    """The year's last notice number (GZH-<year>-<seq>)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
