"""A certificate as a PDF: one A4 page, the Chinese font embedded, a QR code to verify it,
signed PAdES by the configured signer.

Measured on the 2-core bench machine (``bench/certificates_pdf.py``): rendering is a few
ms, the PAdES signature about twice that. What made it so:

- the CJK TrueType font is registered once per process (``core.pdf.cjk_font``); only the
  glyphs used are embedded (a subset, about 20 KB);
- the QR code is drawn as vector rectangles (one per horizontal run of dark modules)
  written as raw path operators in the QR's own grid: drawing each module through the
  canvas API formatted thousands of numbers; a PNG image instead was not faster;
- the QR mask is fixed: segno otherwise tries all eight and scores each, which took as
  long as the rest of the page (any mask is valid; scanners read them all);
- streams are compressed but not ASCII85-encoded (reportlab's default encodes in Python);
- the signer gives pyHanko the room to reserve for the signature, so it signs once
  instead of signing a dry run first to measure it.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.core.pdf import cjk_font

from .models import HolderIdType
from .signing import Signer

# The metadata the page prints in fixed places; a template line naming one is not repeated.
FIXED_KEYS = {
    "holder_name",
    "holder_id",
    "item_name",
    "number",
    "issuer_name",
    "issue_date",
    "validity",
}
QR_MASK = 4


def verification_url(certificate) -> str:
    """The public verification page of ``certificate``: what its QR code holds."""
    path = reverse("portal:certificate-verify", args=[certificate.identifier])
    return f"{settings.TONGBAN_PUBLIC_URL}{path}?t={certificate.verify_token}"


def holder_id_display(certificate) -> str:
    """A person's ID number masked; a credit code (public) in full."""
    return certificate.holder_id_masked


def _date(value) -> str:
    return _("%(year)d-%(month)02d-%(day)02d") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def validity_text(certificate) -> str:
    if certificate.valid_to is None:
        return _("From %(start)s, indefinitely") % {"start": _date(certificate.valid_from)}
    return _("%(start)s to %(end)s") % {
        "start": _date(certificate.valid_from),
        "end": _date(certificate.valid_to),
    }


def value_of(certificate, key: str) -> str:
    """What a template line with ``key`` prints: a form field or a metadata value."""
    if key == "holder_name":
        return certificate.holder_name
    if key == "holder_id":
        return holder_id_display(certificate)
    if key == "number":
        return certificate.number
    if key == "issuer_name":
        return certificate.issuer_name
    if key in {"issue_date", "valid_from"}:
        return _date(getattr(certificate, key))
    if key == "valid_to":
        return _date(certificate.valid_to) if certificate.valid_to else _("Indefinitely")
    if key == "validity":
        return validity_text(certificate)
    value = certificate.data.get(key, "")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def printed_lines(certificate) -> list[tuple[str, str]]:
    """(label, value) of every line the page prints between the holder and the issuer."""
    lines = [
        (_("Holder"), certificate.holder_name),
        (
            _("Unified social credit code")
            if certificate.holder_id_type == HolderIdType.USCC
            else _("ID card number"),
            holder_id_display(certificate),
        ),
    ]
    for line in certificate.cert_type.lines:
        if line["key"] not in FIXED_KEYS:
            lines.append((line["label"], value_of(certificate, line["key"])))
    if certificate.data.get("item_name"):
        lines.append((_("Approved under"), certificate.data["item_name"]))
    return lines


def _wrap(text: str, font: str, size: float, width: float, *, after: str = "") -> list[str]:
    """Break ``text`` into lines no wider than ``width``: anywhere (CJK), or only after a
    character in ``after`` (an identifier breaks after its dots)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for paragraph in (text or "—").split("\n"):
        pieces: list[str] = []
        for char in paragraph:
            if pieces and after and pieces[-1][-1] not in after:
                pieces[-1] += char
            else:
                pieces.append(char)
        current = ""
        for piece in pieces:
            if current and stringWidth(current + piece, font, size) > width:
                lines.append(current)
                current = piece
            else:
                current += piece
        lines.append(current)
    return lines


def _qr_operators(data: str) -> tuple[str, int]:
    """The QR code as PDF path operators in module units (origin bottom left), and its
    size in modules: one rectangle per horizontal run of dark modules."""
    import segno

    code = segno.make(data, error="m", mask=QR_MASK, micro=False)
    size = code.symbol_size(border=0)[0]
    operators = []
    for row_index, row in enumerate(code.matrix):
        y = size - 1 - row_index
        start = None
        for column, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                operators.append(f"{start} {y} {column - start} 1 re")
                start = None
    operators.append("f")
    return "\n".join(operators), size


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Compressed streams without reportlab's ASCII85 layer (encoded in Python: slow)."""
    from reportlab import rl_config

    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def render(certificate) -> bytes:
    """The certificate's page, unsigned. Printed in the site's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE), _binary_streams():
        return _render(certificate)


def _render(certificate) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    width, height = A4
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    title = certificate.cert_type.printed_title
    page.setTitle(title)
    page.setSubject(certificate.identifier)
    page.setKeywords(certificate.identifier)
    page.setAuthor(certificate.issuer_name)
    page.setCreator("tongban")

    # Frame.
    page.setStrokeColorRGB(0.62, 0.1, 0.1)
    page.setLineWidth(2.5)
    page.rect(28, 28, width - 56, height - 56)
    page.setLineWidth(0.8)
    page.rect(36, 36, width - 72, height - 72)

    # Title.
    page.setFillColorRGB(0.55, 0.05, 0.05)
    page.setFont(font, 28)
    page.drawCentredString(width / 2, height - 120, title)
    page.setFillColorRGB(0.35, 0.35, 0.35)
    page.setFont(font, 11)
    page.drawCentredString(width / 2, height - 142, _("Electronic certificate"))
    page.setFont(font, 10)
    page.drawCentredString(
        width / 2, height - 160, _("No.: %(number)s") % {"number": certificate.number}
    )

    # The fields.
    label_x, value_x, value_width = 80, 200, width - 200 - 80
    y = height - 210
    for label, value in printed_lines(certificate):
        page.setFillColorRGB(0.35, 0.35, 0.35)
        page.setFont(font, 12)
        page.drawString(label_x, y, label)
        page.setFillColorRGB(0, 0, 0)
        page.setFont(font, 13)
        for line in _wrap(value, font, 13, value_width):
            page.drawString(value_x, y, line)
            y -= 20
        y -= 10
    page.setFillColorRGB(0.35, 0.35, 0.35)
    page.setFont(font, 12)
    page.drawString(label_x, y, _("Validity"))
    page.setFillColorRGB(0, 0, 0)
    page.setFont(font, 13)
    page.drawString(value_x, y, validity_text(certificate))

    # Issuer and date, bottom left; the QR code bottom right.
    page.setFont(font, 14)
    page.drawString(label_x, 220, _("Issued by: %(issuer)s") % {"issuer": certificate.issuer_name})
    page.setFont(font, 12)
    page.drawString(
        label_x, 198, _("Date of issue: %(date)s") % {"date": _date(certificate.issue_date)}
    )
    page.setFillColorRGB(0.35, 0.35, 0.35)
    page.setFont(font, 8)
    page.drawString(label_x, 96, _("Certificate identifier"))
    lines = _wrap(certificate.identifier, font, 8, width - 2 * label_x, after=".")
    for index, line in enumerate(lines):
        page.drawString(label_x, 84 - index * 10, line)
    page.drawString(
        label_x,
        72 - 10 * len(lines),
        _("Scan the code or upload this file at %(url)s to verify it.")
        % {"url": settings.TONGBAN_PUBLIC_URL + reverse("portal:certificate-verify-upload")},
    )

    operators, modules = _qr_operators(verification_url(certificate))
    side = 120
    qr_x, qr_y = width - 80 - side, 118
    page.saveState()
    page.setFillColorRGB(0, 0, 0)
    page.translate(qr_x, qr_y)
    page.scale(side / modules, side / modules)
    page._code.append(operators)  # raw path operators: see the module's docstring
    page.restoreState()
    page.setFont(font, 8)
    page.setFillColorRGB(0.35, 0.35, 0.35)
    page.drawCentredString(qr_x + side / 2, qr_y - 12, _("Scan to verify"))

    page.showPage()
    page.save()
    return buffer.getvalue()


def signature_reason(certificate) -> str:
    """The signature's reason: names the certificate (read back by the verification)."""
    return f"{REASON_PREFIX}{certificate.identifier}"


REASON_PREFIX = "电子证照 "


def signed(certificate, signer: Signer) -> bytes:
    """The certificate's page, signed (PAdES) by ``signer``."""
    return signer.sign_pdf(
        render(certificate),
        reason=signature_reason(certificate),
        location=settings.TONGBAN_PUBLIC_URL,
    )
