"""Credit records (信用记录) of applicants and what each item allows for good credit.

A record is about a subject — a resident ID number or a unified social credit code — kept
as a keyed digest (to find it) and a masked copy (to show it), like the sharing app's
registers. Records come from the city credit database (imported from a file or fetched
over HTTP, ``credit.importing``) or from the platform itself when an applicant breaks a
commitment (``credit.receivers``). The credit standing is computed from the records on
the day asked (``credit.services.assess``); nothing stores a standing that could go stale.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import Item
from tongban.org.models import Applicant


class Kind(models.TextChoices):
    RED_LIST = "red_list", _("Red list (守信激励)")
    BLACK_LIST = "black_list", _("Black list (失信联合惩戒)")
    FALSE_COMMITMENT = "false_commitment", _("False commitment (虚假承诺)")
    OVERDUE_SUPPLEMENT = "overdue_supplement", _("Deferred materials not supplied (容缺逾期)")
    OTHER = "other", _("Other adverse record")


# Kinds that take an applicant off the good-credit track while they are in force; the
# first two also bar 容缺 and 告知承诺 until the credit is repaired (domain.md §4).
ADVERSE_KINDS = {Kind.BLACK_LIST, Kind.FALSE_COMMITMENT, Kind.OVERDUE_SUPPLEMENT, Kind.OTHER}
SERIOUS_KINDS = {Kind.BLACK_LIST, Kind.FALSE_COMMITMENT}


class Source(models.TextChoices):
    FILE = "file", _("Imported from a file")
    CITY_DATABASE = "city_database", _("City credit database")
    PLATFORM = "platform", _("Recorded by the platform")
    MANUAL = "manual", _("Entered by staff")


class CreditRecord(models.Model):
    subject_index = models.CharField(max_length=64, editable=False, db_index=True)
    subject_masked = models.CharField(_("credit subject"), max_length=32, editable=False)
    subject_name = models.CharField(_("name"), max_length=200, blank=True)
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_records",
        verbose_name=_("applicant"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("what happened"), max_length=500)
    authority = models.CharField(_("issuing authority"), max_length=200)
    decided_on = models.DateField(_("decided on"))
    valid_until = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("Empty: until repaired (a red list entry: until withdrawn)."),
    )
    repaired_on = models.DateField(
        _("credit repaired on"), null=True, blank=True, help_text=_("信用修复")
    )
    source = models.CharField(_("record source"), max_length=20, choices=Source.choices)
    external_id = models.CharField(
        _("identifier at the source"),
        max_length=100,
        blank=True,
        help_text=_("An import updates the record with the same identifier."),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_records",
        verbose_name=_("case"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="credit_record_once_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_masked} {self.get_kind_display()} {self.decided_on}"

    @property
    def is_adverse(self) -> bool:
        return self.kind in ADVERSE_KINDS


class ItemCreditPolicy(models.Model):
    """What an item gives applicants of good credit (信用审批): a shorter promise, and
    automatic approval on submission where the item allows it."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, related_name="credit_policy", verbose_name=_("item")
    )
    fast_track_limit = models.PositiveIntegerField(
        _("promised time limit on the fast track"),
        null=True,
        blank=True,
        help_text=_("In the item's unit of the promised limit; empty: the promise stays."),
    )
    fast_track_auto_approval = models.BooleanField(
        _("approve the fast track automatically"),
        default=False,
        help_text=_(
            "An applicant of good credit whose application is complete is approved on "
            "submission, without waiting for a person."
        ),
    )

    class Meta:
        verbose_name = _("credit policy of an item")
        verbose_name_plural = _("credit policies of items")

    def __str__(self) -> str:
        return str(self.item)


class ImportRun(models.Model):
    """One import from the city credit database (a file or an HTTP fetch), kept for audit."""

    at = models.DateTimeField(_("time"))
    source = models.CharField(_("record source"), max_length=20, choices=Source.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    created = models.PositiveIntegerField(_("new records"), default=0)
    updated = models.PositiveIntegerField(_("updated records"), default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("credit import")
        verbose_name_plural = _("credit imports")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.at:%Y-%m-%d %H:%M}"
