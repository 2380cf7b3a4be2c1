"""Decision rules (审批规则) for instant approval: a JDM decision graph per item version.

A revision's JDM never changes once uploaded (a new upload is a new revision); its mode
(active / monitor / off) and effective date may, audited. Every evaluation is kept with
its inputs, outputs and trace: the reason a case was approved or referred.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion

SOURCE_CODES = (
    "population",
    "enterprise",
    "education",
    "qualification",
    "social_insurance",
    "credit",
    "certificates",
)


def jdm_sha256(document: Any) -> str:
    """The sha256 of a JDM document in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Mode(models.TextChoices):
    ACTIVE = "active", _("Active: decides")
    MONITOR = "monitor", _("Monitor: evaluated and recorded, decides nothing")
    OFF = "off", _("Off")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Approve automatically")
    REFER = "refer", _("Refer to a person")
    ERROR = "error", _("Could not be evaluated")


class DecisionRule(models.Model):
    item_version = models.ForeignKey(
        ItemVersion,
        on_delete=models.PROTECT,
        related_name="decision_rules",
        verbose_name=_("item version"),
    )
    revision = models.PositiveIntegerField(_("revision"))
    name = models.CharField(_("name"), max_length=200)
    jdm = models.JSONField(_("decision graph (JDM)"))
    jdm_sha256 = models.CharField(max_length=64, editable=False)
    sources = models.JSONField(
        _("data sources read"),
        default=list,
        blank=True,
        help_text=_("Codes of the data sources the rule reads, e.g. population, credit."),
    )
    effective_from = models.DateField(_("effective from"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.MONITOR)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["item_version", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_version", "revision"], name="rule_revision_per_version"
            )
        ]
        verbose_name = _("decision rule")
        verbose_name_plural = _("decision rules")

    def __str__(self) -> str:
        return f"{self.name} r{self.revision}"

    def save(self, *args, **kwargs) -> None:
        """A revision's JDM is immutable: a new file is a new revision (``services.upload``)."""
        if self._state.adding:
            self.jdm_sha256 = jdm_sha256(self.jdm)
        else:
            fields = kwargs.get("update_fields")
            if fields is None or {"jdm", "jdm_sha256"} & set(fields):
                stored = type(self).objects.filter(pk=self.pk).values_list("jdm", flat=True)
                if stored and jdm_sha256(stored[0]) != jdm_sha256(self.jdm):
                    raise ValidationError(
                        _("A revision's decision graph cannot be changed; upload a new revision."),
                        code="jdm_immutable",
                    )
                self.jdm_sha256 = jdm_sha256(self.jdm)
        super().save(*args, **kwargs)


class RuleTest(models.Model):
    """A sample input and what the rule must answer: run on upload and on the test bench."""

    rule = models.ForeignKey(DecisionRule, on_delete=models.CASCADE, related_name="tests")
    name = models.CharField(_("name"), max_length=200)
    inputs = models.JSONField(_("inputs"))
    expected_outcome = models.CharField(
        _("expected outcome"), max_length=10, choices=Outcome.choices[:2]
    )
    expected_reason_contains = models.CharField(
        _("a reason contains"), max_length=200, blank=True, help_text=_("Empty: not checked.")
    )

    class Meta:
        ordering = ["rule", "pk"]
        verbose_name = _("rule test")
        verbose_name_plural = _("rule tests")

    def __str__(self) -> str:
        return self.name


class RuleEvaluation(models.Model):
    """One evaluation, append-only. ``case`` is empty for a test-bench run."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="rule_evaluations"
    )
    rule = models.ForeignKey(DecisionRule, on_delete=models.PROTECT, related_name="evaluations")
    revision = models.PositiveIntegerField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    inputs = models.JSONField(default=dict)
    outputs = models.JSONField(default=dict, blank=True, null=True)
    trace = models.JSONField(default=dict, blank=True, null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reasons = models.JSONField(default=list)
    decided = models.BooleanField(
        default=False, help_text=_("The active rule whose outcome was acted on.")
    )
    duration_us = models.PositiveIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["rule", "outcome"], name="rule_eval_outcome")]
        verbose_name = _("rule evaluation")
        verbose_name_plural = _("rule evaluations")

    def __str__(self) -> str:
        return f"{self.rule} → {self.outcome}"

    def save(self, *args, **kwargs) -> None:
        """Append-only: an evaluation is written once."""
        if not self._state.adding:
            raise ValidationError(_("Rule evaluations are never changed."), code="append_only")
        super().save(*args, **kwargs)
