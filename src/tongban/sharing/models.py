"""Data sharing (数据共享): the registers the platform may ask, what it asked, what a
register confirmed for a case's materials.

Personal data is fetched only for a case that needs it, and every query is kept
(``SharingQuery``, append-only): who asked, about whom (masked, and a keyed digest to
search by), for which case, what came back.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import Material


class DataSource(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    adapter = models.CharField(
        _("adapter"),
        max_length=50,
        default="local",
        help_text=_("local (tables here), http (a provincial exchange), certificate_library."),
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_(
            "For http: base_url, path (with {subject}), timeout (s), retries, "
            "failures_to_open, open_seconds, header_name, header_value."
        ),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return self.name


class SharedRecord(models.Model):
    """A register's record of one subject, for the local adapter (demo and tests)."""

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="records")
    subject_index = models.CharField(max_length=64, editable=False)
    subject_masked = models.CharField(_("subject"), max_length=32, editable=False)
    data = models.JSONField(_("record"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "subject_index"], name="shared_record_per_subject"
            )
        ]
        verbose_name = _("shared record")
        verbose_name_plural = _("shared records")

    def __str__(self) -> str:
        return f"{self.source.code}: {self.subject_masked}"


class SharingQuery(models.Model):
    class Outcome(models.TextChoices):
        FOUND = "found", _("Found")
        NOT_FOUND = "not_found", _("Not found")
        ERROR = "error", _("Error")
        REFUSED = "refused", _("Refused (no need)")
        CIRCUIT_OPEN = "circuit_open", _("Source unavailable (circuit open)")

    at = models.DateTimeField(_("time"))
    source = models.ForeignKey(DataSource, on_delete=models.PROTECT, related_name="queries")
    adapter = models.CharField(max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("asked by"), max_length=150)
    subject_index = models.CharField(max_length=64, db_index=True)
    subject_masked = models.CharField(_("about"), max_length=32)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="sharing_queries"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    returned = models.JSONField(_("what came back"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["source", "at"], name="sharing_query_source_at")]
        verbose_name = _("data query")
        verbose_name_plural = _("data queries")

    def __str__(self) -> str:
        return f"{self.source_id} {self.subject_masked} {self.outcome}"


class MaterialVerification(models.Model):
    """Whether a data source confirmed a material of a case (三减一优); the newest counts."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="verifications")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=50)
    confirmed = models.BooleanField()
    summary = models.CharField(max_length=300)
    query = models.ForeignKey(SharingQuery, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["case", "-at", "-pk"]
        verbose_name = _("material verification")
        verbose_name_plural = _("material verifications")

    def __str__(self) -> str:
        return self.summary
