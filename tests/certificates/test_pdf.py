"""The certificate's PDF: Chinese text in the embedded CJK font, the fields of its type's
template, a QR code to its verification page, and a PAdES signature by the platform's key
that covers the whole file and forbids changes."""

import hashlib
import io
import re

import segno
from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from tongban.certificates import actions
from tongban.certificates import pdf as certificate_pdf
from tongban.certificates.models import Certificate
from tongban.certificates.signing import signer

from .conftest import approved_and_issued, certificate_of, run_tasks


def _rendered(cw) -> tuple[Certificate, bytes]:
    certificate = certificate_of(approved_and_issued(cw.base))
    run_tasks()
    certificate.refresh_from_db()
    with certificate.file.open("rb") as stored:
        return certificate, stored.read()


def test_the_pdf_has_the_certificate_in_chinese_with_the_font_embedded(cw):
    certificate, data = _rendered(cw)
    assert hashlib.sha256(data).hexdigest() == certificate.file_sha256
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "食品经营许可证",
        "李四",
        certificate.holder_id_masked,
        "德州市德城区天衢东路 66 号",
        "热食类食品制售",
        "经营项目",
        certificate.number,
        "市市场监督管理局",
        "2031",
    ):
        assert expected in text, expected
    assert certificate.identifier.split(".")[-3] in text  # the serial, within the identifier
    assert "*" in certificate.holder_id_masked
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for reference in fonts.values():
        font = reference.get_object()
        if "/FontDescriptor" in font:  # a TrueType subset (reportlab's "+0", "+1"…)
            descriptor = font["/FontDescriptor"].get_object()
            embedded.append((str(descriptor["/FontName"]), "/FontFile2" in descriptor))
    assert embedded and all(
        "WenQuanYiMicroHei" in name and has_file for name, has_file in embedded
    ), embedded
    assert reader.metadata.subject == certificate.identifier
    assert reader.metadata.title == "食品经营许可证"


def test_the_full_id_number_is_not_printed(cw):
    _certificate, data = _rendered(cw)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert cw.base.applicant.id_number not in text


def test_the_pdf_is_signed_pades_by_the_platform_over_the_whole_file(cw):
    certificate, data = _rendered(cw)
    reader = PdfFileReader(io.BytesIO(data))
    (embedded,) = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert certificate.identifier in str(embedded.sig_object["/Reason"])
    root = x509.Certificate.load(signer().certificate_der)
    status = validate_pdf_signature(
        embedded, signer_validation_context=ValidationContext(trust_roots=[root])
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.dump() == signer().certificate_der
    assert status.docmdp_ok
    assert reader.root["/Perms"]["/DocMDP"] is not None  # a certification signature


def _qr_matrix(data: bytes) -> list[list[int]]:
    """The QR code drawn on the page, read back from its path operators."""
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    runs = [tuple(map(int, m)) for m in re.findall(r"^(\d+) (\d+) (\d+) 1 re$", content, re.M)]
    size = max(x + width for x, _y, width in runs)
    grid = [[0] * size for _ in range(size)]
    for x, y, width in runs:
        for column in range(x, x + width):
            grid[size - 1 - y][column] = 1
    return grid


def test_the_qr_code_links_to_the_verification_page_with_the_token(cw):
    certificate, data = _rendered(cw)
    url = certificate_pdf.verification_url(certificate)
    assert url.endswith(f"/verify/{certificate.identifier}/?t={certificate.verify_token}")
    expected = segno.make(url, error="m", mask=certificate_pdf.QR_MASK, micro=False)
    assert _qr_matrix(data) == [[1 if v else 0 for v in row] for row in expected.matrix]


def test_a_download_before_the_task_renders_and_stores_once(cw):
    certificate = certificate_of(approved_and_issued(cw.base))
    assert not certificate.file
    first = actions.pdf_bytes(certificate)
    certificate.refresh_from_db()
    assert certificate.file_sha256 == hashlib.sha256(first).hexdigest()
    assert actions.pdf_bytes(certificate) == first  # not rendered again
    assert run_tasks() == ["already rendered"]
    certificate.refresh_from_db()
    assert certificate.file_sha256 == hashlib.sha256(first).hexdigest()


def test_long_values_wrap_and_the_identifier_breaks_after_a_dot():
    from tongban.core.pdf import cjk_font

    font = cjk_font()
    lines = certificate_pdf._wrap("德州市" * 40, font, 13, 200)
    assert len(lines) > 1 and "".join(lines) == "德州市" * 40
    identifier = "1.2.156.3005.2.11100000000013338W050.113700000045030270.2026000001.001.X"
    broken = certificate_pdf._wrap(identifier, font, 8, 150, after=".")
    assert "".join(broken) == identifier
    assert all(line.endswith(".") for line in broken[:-1])
