"""Electronic certificates (电子证照): their types, the certificates issued, their history.

A certificate's metadata follows GB/T 36903 (the minimal set of domain.md §8); its
identifier the national pattern (``identifiers``). The metadata is signed when the
certificate is issued (``metadata_signature``); the PDF is rendered and signed (PAdES)
afterwards, in the background or on the first download. The status changes only through
``certificates.actions`` by the table in ``certificates.transitions``; every change appends
a ``CertificateEvent`` and an audit entry.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import Item
from tongban.core.identifiers import validate_uscc
from tongban.org.models import Agency, Applicant

_TYPE_CODE = re.compile(r"^[0-9A-Z]{18}\d{3}$")

# Metadata a template line may print besides the form fields (``Certificate.value_of``).
METADATA_KEYS = {
    "holder_name": _("Holder"),
    "holder_id": _("Holder's identifier (masked)"),
    "item_name": _("Service item"),
    "number": _("Certificate number"),
    "issuer_name": _("Issuing authority"),
    "issue_date": _("Date of issue"),
    "valid_from": _("Valid from"),
    "valid_to": _("Valid until"),
    "validity": _("Validity"),
}


def validate_type_code(value: str) -> None:
    code = (value or "").strip().upper()
    if not _TYPE_CODE.match(code):
        raise ValidationError(
            _(
                "A certificate type code is the 18-character credit code of the body that "
                "defines the type followed by a 3-digit sequence, e.g. 11100000000013338W050."
            ),
            code="type_code",
        )
    validate_uscc(code[:18])


def validate_template_lines(value) -> None:
    """``[{"label": "经营场所", "key": "address"}, …]``: each line a label and a key."""
    if not isinstance(value, list):
        raise ValidationError(_("The printed lines must be a list."), code="lines")
    for line in value:
        if (
            not isinstance(line, dict)
            or not isinstance(line.get("label"), str)
            or not line["label"].strip()
            or not isinstance(line.get("key"), str)
            or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", line["key"])
            or set(line) - {"label", "key"}
        ):
            raise ValidationError(
                _('Each printed line is {"label": text, "key": a form field or one of %(keys)s}.')
                % {"keys": ", ".join(METADATA_KEYS)},
                code="lines",
            )


class CertificateType(models.Model):
    """A kind of certificate (证照类型) and how it is printed."""

    type_code = models.CharField(
        _("type code"),
        max_length=21,
        unique=True,
        validators=[validate_type_code],
        help_text=_("Credit code of the defining body + 3-digit sequence."),
    )
    name = models.CharField(_("name"), max_length=200)
    items = models.ManyToManyField(
        Item,
        related_name="certificate_types",
        blank=True,
        verbose_name=_("issued by the items"),
        help_text=_("An approved case of one of these items gets a certificate of this type."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: indefinitely.")
    )
    title = models.CharField(
        _("printed title"), max_length=200, blank=True, help_text=_("Empty: the name.")
    )
    lines = models.JSONField(
        _("printed lines"),
        default=list,
        blank=True,
        validators=[validate_template_lines],
        help_text=_(
            'A list of {"label": …, "key": …}: a key names a field of the application form '
            "or one of holder_name, holder_id, item_name, number, issuer_name, issue_date, "
            "valid_from, valid_to, validity."
        ),
    )
    number_prefix = models.CharField(
        _("number prefix"),
        max_length=20,
        blank=True,
        help_text=_("Printed before the serial in the certificate number, e.g. JY."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["type_code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.type_code = (self.type_code or "").strip().upper()
        super().save(*args, **kwargs)

    @property
    def printed_title(self) -> str:
        return self.title or self.name

    def form_keys(self) -> list[str]:
        """The lines' keys that name fields of the application form."""
        return [line["key"] for line in self.lines if line["key"] not in METADATA_KEYS]


class Status(models.TextChoices):
    """The national status codes (证照状态)."""

    VALID = "01", _("Valid")
    SUSPENDED = "02", _("Suspended")
    REVOKED = "03", _("Revoked (annulled)")
    CANCELLED = "04", _("Cancelled (deregistered)")
    EXPIRED = "05", _("Expired")
    WITHDRAWN = "07", _("Withdrawn (licence revoked as a penalty)")


# The English names the API and the pages' data attributes use.
STATUS_NAMES = {status.value: status.name.lower() for status in Status}


class HolderIdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    USCC = "uscc", _("Unified social credit code")


def certificate_file_name(certificate: "Certificate", filename: str) -> str:
    """``certificates/<year of issue>/<identifier>.pdf``."""
    return f"certificates/{certificate.issue_date:%Y}/{certificate.identifier}.pdf"


class Certificate(models.Model):
    """One issued certificate (电子证照) and its GB/T 36903 metadata."""

    identifier = models.CharField(_("certificate identifier"), max_length=120, unique=True)
    cert_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("certificate type"),
    )
    type_code = models.CharField(_("type code"), max_length=21)
    type_name = models.CharField(_("type name"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=64)
    serial = models.CharField(max_length=40)
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_id_type = models.CharField(
        _("holder's identifier type"), max_length=16, choices=HolderIdType.choices
    )
    holder_id_encrypted = models.TextField(editable=False)
    holder_id_index = models.CharField(max_length=64, editable=False, db_index=True)
    holder_id_masked = models.CharField(_("holder's identifier"), max_length=18, editable=False)
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder (applicant)"),
    )
    case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("case"),
    )
    issuer_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("issuing agency"),
    )
    issuer_name = models.CharField(_("issued by"), max_length=200)
    issuer_code = models.CharField(_("issuer's credit code"), max_length=18)
    issue_date = models.DateField(_("date of issue"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: indefinitely.")
    )
    status = models.CharField(
        _("status"), max_length=2, choices=Status.choices, default=Status.VALID
    )
    version = models.CharField(_("version"), max_length=3, default="001")
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("associated certificate"),
        help_text=_("The certificate this one renews or changes."),
    )
    data = models.JSONField(_("printed fields"), default=dict, blank=True)
    metadata_signature = models.TextField(editable=False)
    signer_key = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the signer's certificate (DER)."
    )
    verify_token = models.CharField(max_length=24, editable=False)
    file = models.FileField(_("file"), upload_to=certificate_file_name, max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    status_changed_at = models.DateTimeField(_("status changed at"))

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [
            models.Index(fields=["issuer_agency", "-issue_date"], name="certificate_issuer"),
            models.Index(fields=["applicant", "-issue_date"], name="certificate_applicant"),
        ]

    def __str__(self) -> str:
        return f"{self.type_name} {self.number}"

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


class CertificateEvent(models.Model):
    """One change of a certificate's status (证照状态变更), in the order it happened."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=16)
    operation_code = models.CharField(_("national operation code"), max_length=2)
    from_status = models.CharField(max_length=2, blank=True)
    to_status = models.CharField(max_length=2)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)

    class Meta:
        ordering = ["certificate", "at", "pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate history")

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("CertificateEvent rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("CertificateEvent rows are append-only")
