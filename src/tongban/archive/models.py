"""The applicant's archive (一企一档 / 一人一档): what they submitted and received.

A material is archived when a window accepts the case that carried it (the window checked
it); a certificate or licence when an approved case's result is issued. Files are not
copied: an archived document points at the very file the case stored, named by its SHA-256.
A new application takes what the archive holds in a valid form instead of asking again,
and ``ArchiveReuse`` records each such reuse with its reason.

How long a document stays valid: ``ValidityRule`` per material (by ``material_key``), else
:data:`DEFAULT_VALIDITY_MONTHS`. A newer document of the same material replaces the older
one; staff may revoke a document (a cancelled licence, a forged copy).
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.bundles import material_key
from tongban.catalog.models import Material
from tongban.org.models import Applicant

# A material with no rule of its own is reused for this many months after it was received.
# A module constant, not a setting: the city changes validity per material with
# ``ValidityRule`` rows (admin), which are data and audited; one hidden global knob is not.
DEFAULT_VALIDITY_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ValidityRule(models.Model):
    """How long a material may be reused: N months after it was received, or until a newer
    one replaces it (an ID card, a business licence) when ``months`` is empty."""

    material_key = models.CharField(
        _("material (normalised name)"),
        max_length=300,
        unique=True,
        help_text=_(
            "The material's name; brackets, spaces and 副本/正本 are ignored, so "
            "营业执照（副本） and 营业执照 are one rule."
        ),
    )
    months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: valid until a newer one replaces it."),
    )
    note = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        ordering = ["material_key"]
        verbose_name = _("validity rule")
        verbose_name_plural = _("validity rules")

    def __str__(self) -> str:
        if self.months is None:
            return _("%(key)s: until replaced") % {"key": self.material_key}
        return _("%(key)s: %(months)s months") % {"key": self.material_key, "months": self.months}

    def save(self, *args, **kwargs):
        # Stored normalised, so the admin may type the name as any department spells it.
        self.material_key = material_key(self.material_key)
        super().save(*args, **kwargs)


class ArchivedDocument(models.Model):
    """One document of an applicant's archive."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Submitted material")
        RESULT = "result", _("Certificate or licence issued")

    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="archived_documents",
        verbose_name=_("applicant"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    material_key = models.CharField(_("material (normalised name)"), max_length=300)
    # The path the case stored the file under: shared, never copied (named by SHA-256).
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    content_type = models.CharField(max_length=100, blank=True)
    source_case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="archived_documents",
        verbose_name=_("from case"),
    )
    case_material = models.ForeignKey(
        CaseMaterial, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_material = models.ForeignKey(
        Material,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material in the guide"),
    )
    received_at = models.DateTimeField(_("received at"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until replaced.")
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["applicant", "material_key", "-received_at"]
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")
        indexes = [
            models.Index(fields=["applicant", "material_key"], name="archive_applicant_key"),
        ]
        constraints = [
            # The same file of the same material is archived once (hooks are idempotent).
            models.UniqueConstraint(
                fields=["applicant", "material_key", "sha256"],
                condition=~Q(sha256=""),
                name="archive_one_file_per_key",
            ),
            models.UniqueConstraint(
                fields=["source_case"],
                condition=Q(kind="result"),
                name="archive_one_result_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.received_at:%Y-%m-%d})"

    def valid_on(self, day: dt.date) -> bool:
        return (
            self.revoked_at is None
            and self.replaced_by_id is None
            and (self.valid_until is None or self.valid_until >= day)
        )


class ArchiveReuse(models.Model):
    """An archived document taken into a case instead of asking the applicant again."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="archive_reuses")
    case_material = models.ForeignKey(
        CaseMaterial,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("file attached to the case"),
    )
    document = models.ForeignKey(
        ArchivedDocument,
        on_delete=models.PROTECT,
        related_name="reuses",
        verbose_name=_("archived document"),
    )
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("why it was reused"))

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("reuse of an archived document")
        verbose_name_plural = _("reuses of archived documents")

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.document}"
