"""The name registry and the vocabulary of the name check (企业名称自主申报).

All three are data edited in the admin. A registered name keeps its parsed parts and
derived lookup columns (``normalized``, ``name_key``, ``trade_pinyin``, ``industry_group``)
and a side table of trade-name keys, so that a check reads indexes, never scans.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.org.models import Applicant, Region


class RegisteredName(models.Model):
    """An existing enterprise name (企业名称库): registered, or reserved by a registration."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    full_name = models.CharField(_("full name"), max_length=200)
    division = models.CharField(_("administrative division"), max_length=50, blank=True)
    trade_name = models.CharField(_("trade name"), max_length=100, db_index=True)
    industry = models.CharField(_("industry or business feature"), max_length=50, blank=True)
    form = models.CharField(_("organisational form"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    applicant = models.OneToOneField(
        Applicant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enterprise applicant"),
        help_text=_("Set when the row was copied from a registered enterprise applicant."),
    )
    # Derived on save (see tongban.naming.indexing): the lookups of the check.
    normalized = models.CharField(max_length=200, editable=False, db_index=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    division_key = models.CharField(max_length=50, editable=False, blank=True)
    industry_group = models.CharField(max_length=50, editable=False, blank=True, db_index=True)
    trade_pinyin = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("registered enterprise name")
        verbose_name_plural = _("registered enterprise names")
        constraints = [
            models.UniqueConstraint(
                fields=["full_name"],
                condition=Q(status="active"),
                name="naming_full_name_unique_active",
            )
        ]
        indexes = [models.Index(fields=["trade_name", "industry_group"], name="naming_trade_group")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        from . import indexing

        # A caller saving many rows sets ``vocabulary`` once instead of a read per row.
        indexing.derive(self, getattr(self, "vocabulary", None))
        super().save(*args, **kwargs)
        indexing.write_keys([self])


class TradeNameKey(models.Model):
    """A lookup key of a registered trade name: a one-character deletion or a substring.

    Two trade names one edit apart share a deletion key; a trade name contained in a
    longer one equals one of its substring keys. Both are index lookups.
    """

    class Kind(models.TextChoices):
        DELETION = "d", _("One character deleted")
        SUBSTRING = "s", _("Substring")

    registered = models.ForeignKey(RegisteredName, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=100)
    kind = models.CharField(max_length=1, choices=Kind.choices)

    class Meta:
        verbose_name = _("trade name key")
        verbose_name_plural = _("trade name keys")
        indexes = [models.Index(fields=["key", "kind"], name="naming_key_kind")]

    def __str__(self) -> str:
        return f"{self.key} ({self.kind})"


class BannedWord(models.Model):
    """A word a name may not contain (禁用字词) or may contain only with approval (限制)."""

    class Kind(models.TextChoices):
        PROHIBITED = "prohibited", _("Prohibited: the name is refused")
        RESTRICTED = "restricted", _("Restricted: needs approval, the name gets a warning")

    word = models.CharField(_("word"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["kind", "word"]
        verbose_name = _("banned or restricted word")
        verbose_name_plural = _("banned and restricted words")

    def __str__(self) -> str:
        return self.word


class IndustryTerm(models.Model):
    """A term for an industry or business feature, in a group of terms counted as one industry."""

    term = models.CharField(_("term"), max_length=30, unique=True)
    group_code = models.CharField(_("industry group code"), max_length=30, db_index=True)
    group_name = models.CharField(_("industry group"), max_length=50, blank=True)

    class Meta:
        ordering = ["group_code", "term"]
        verbose_name = _("industry term")
        verbose_name_plural = _("industry terms")

    def __str__(self) -> str:
        return self.term
