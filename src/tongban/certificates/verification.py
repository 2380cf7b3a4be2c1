"""Public verification (核验) of a certificate: by its QR code's link, or by its PDF.

Anyone may ask, without logging in; the answer tells whether the record or the file is
authentic and the certificate's current status, never the holder's identifier (a person's
name masked). Every check that failed is named in ``reasons``.

The link (``/verify/<identifier>/?t=<token>``): the identifier exists, the random token
printed in the QR code matches (so identifiers, which are guessable, reveal nothing
alone), and the stored metadata still carries the platform's signature.

The file: a PAdES signature that is intact, covers the whole file and was made with the
configured signer's certificate (trusted as the root: the platform is its own authority
here); the identifier named in the signature; and the file's SHA-256 equal to the one
stored when the certificate was rendered. One changed, removed or appended byte fails.
"""

import datetime as dt
import hashlib
import hmac
import io
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import metadata
from .identifiers import parse_identifier
from .models import Certificate
from .pdf import REASON_PREFIX
from .services import effective_status, masked_name, status_label, status_name
from .signing import outside_event_loop, signer

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass
class Reason:
    code: str
    message: str


@dataclass
class Verdict:
    """The answer. ``certificate`` is set only when the record is authentic."""

    authentic: bool
    certificate: Certificate | None = None
    status: str = ""  # the national code as of today ("01" …); empty unless authentic
    reasons: list[Reason] = field(default_factory=list)
    identifier: str = ""

    @property
    def status_name(self) -> str:
        return status_name(self.status) if self.status else ""

    @property
    def status_label(self) -> str:
        return status_label(self.status) if self.status else ""

    @property
    def currently_valid(self) -> bool:
        return self.authentic and self.status_name == "valid"

    def public(self) -> dict:
        """What anyone may see (the API's body)."""
        certificate = self.certificate
        return {
            "authentic": self.authentic,
            "identifier": self.identifier or None,
            "status": self.status_name or None,
            "status_code": self.status or None,
            "status_label": self.status_label or None,
            "reasons": [{"code": r.code, "message": r.message} for r in self.reasons],
            "certificate": None
            if certificate is None
            else {
                "type_code": certificate.type_code,
                "type_name": certificate.type_name,
                "number": certificate.number,
                "holder_name": masked_name(certificate),
                "issuer_name": certificate.issuer_name,
                "issue_date": certificate.issue_date.isoformat(),
                "valid_from": certificate.valid_from.isoformat(),
                "valid_to": certificate.valid_to.isoformat() if certificate.valid_to else None,
            },
        }


def _refused(code: str, message: str, identifier: str = "") -> Verdict:
    return Verdict(authentic=False, reasons=[Reason(code, message)], identifier=identifier)


def _authentic(certificate: Certificate, today: dt.date | None) -> Verdict:
    return Verdict(
        authentic=True,
        certificate=certificate,
        status=effective_status(certificate, today),
        identifier=certificate.identifier,
    )


def _find(identifier: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("cert_type", "previous")
        .filter(identifier=identifier)
        .first()
    )


def verify_record(identifier: str, token: str, today: dt.date | None = None) -> Verdict:
    """The answer to the QR code's link."""
    try:
        identifier = str(parse_identifier(identifier))
    except ValidationError as error:
        return _refused("malformed", error.messages[0])
    certificate = _find(identifier)
    if certificate is None or not hmac.compare_digest(
        certificate.verify_token.encode(), (token or "").encode()
    ):
        # One answer for both: a guessed identifier learns nothing.
        return _refused(
            "unknown",
            _("No certificate of this platform matches this code. Scan the code again."),
            identifier,
        )
    if not metadata.signature_valid(signer(), certificate):
        log.error("certificate %s: the metadata signature does not verify", certificate.pk)
        return _refused(
            "metadata_signature",
            _("The record of this certificate fails its signature check; it is not authentic."),
            identifier,
        )
    return _authentic(certificate, today)


def _signature_problems(embedded) -> list[Reason]:
    """What is wrong with the PDF's signature (empty: intact, whole file, our signer)."""
    from asn1crypto import x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    ours = signer()
    root = x509.Certificate.load(ours.certificate_der)
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    try:
        status = outside_event_loop(
            lambda: validate_pdf_signature(embedded, signer_validation_context=context)
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        log.info("certificate upload: signature not validated: %s", error)
        return [Reason("signature", _("The file's signature cannot be validated."))]
    problems = []
    if not status.intact or not status.valid:
        problems.append(
            Reason("altered", _("The file was changed after it was signed: it is not authentic."))
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(
            Reason(
                "coverage",
                _("The signature does not cover the whole file: something was added to it."),
            )
        )
    if problems:
        return problems  # who signed a broken signature says nothing
    if status.signing_cert is None or status.signing_cert.dump() != ours.certificate_der:
        problems.append(
            Reason("signer", _("The file was not signed by this platform's certificate key."))
        )
    elif not status.trusted:
        problems.append(Reason("signer", _("The signing certificate is not trusted.")))
    return problems


def verify_file(upload, today: dt.date | None = None) -> Verdict:
    """The answer to an uploaded file (read only if it is small enough to be ours)."""
    if upload.size > MAX_UPLOAD_BYTES:
        return _too_large()
    return verify_pdf(upload.read(), today)


def _too_large() -> Verdict:
    return _refused("too_large", _("The file is larger than a certificate can be."))


def verify_pdf(data: bytes, today: dt.date | None = None) -> Verdict:
    """The answer to an uploaded PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    not_ours = _("This file is not a certificate issued by this platform.")
    if len(data) > MAX_UPLOAD_BYTES:
        return _too_large()
    if not data.startswith(b"%PDF-"):
        return _refused("not_pdf", _("The file is not a PDF.") + " " + not_ours)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
        log.info("certificate upload: unreadable PDF: %s", error)
        return _refused(
            "unreadable",
            _("The file cannot be read as a signed PDF; it may be damaged or altered."),
        )
    if not signatures:
        return _refused("unsigned", _("The file carries no signature.") + " " + not_ours)
    if len(signatures) != 1:
        return _refused(
            "signatures", _("The file carries more than one signature.") + " " + not_ours
        )
    embedded = signatures[0]
    reason_text = str(embedded.sig_object.get("/Reason", "") or "")
    identifier = reason_text.removeprefix(REASON_PREFIX).strip()
    problems = _signature_problems(embedded)
    certificate = _find(identifier) if identifier.startswith("1.2.156.") else None
    if certificate is None:
        problems.append(Reason("unknown", not_ours))
    elif not certificate.file_sha256 or not hmac.compare_digest(
        certificate.file_sha256, hashlib.sha256(data).hexdigest()
    ):
        problems.append(
            Reason("file_hash", _("The file differs from the one this platform issued."))
        )
    elif not metadata.signature_valid(signer(), certificate):
        problems.append(
            Reason(
                "metadata_signature",
                _("The record of this certificate fails its signature check; it is not authentic."),
            )
        )
    if problems:
        return Verdict(authentic=False, reasons=problems, identifier=identifier[:120])
    return _authentic(certificate, today)
