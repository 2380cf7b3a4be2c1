"""Public verification: the QR code's link and an uploaded PDF. An authentic record or
file says so with the status of today; a changed byte, a cut or an addition, a wrong
token, another signer or a forged record says it is not authentic."""

import datetime as dt
import io
import re

import pytest
import time_machine

from tongban.certificates import actions, verification
from tongban.certificates.models import Certificate

from .conftest import approved_and_issued, certificate_of, run_tasks

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def issued(cw) -> tuple[Certificate, bytes]:
    with time_machine.travel(dt.datetime(2026, 5, 11, 10, tzinfo=TZ), tick=False):
        certificate = certificate_of(approved_and_issued(cw.base))
        run_tasks()
    certificate.refresh_from_db()
    with certificate.file.open("rb") as stored:
        return certificate, stored.read()


def codes(verdict) -> set[str]:
    return {reason.code for reason in verdict.reasons}


# ---------------------------------------------------------------- the QR code's link


def test_the_link_of_the_qr_code_is_authentic(issued):
    certificate, _data = issued
    verdict = verification.verify_record(certificate.identifier, certificate.verify_token)
    assert verdict.authentic and verdict.status_name == "valid" and not verdict.reasons
    public = verdict.public()
    assert public["certificate"]["holder_name"] == "李*"
    assert public["certificate"]["type_name"] == "食品经营许可证"
    assert "holder_id" not in public["certificate"]


def test_a_wrong_token_or_an_unknown_identifier_learns_nothing(issued):
    certificate, _data = issued
    wrong = verification.verify_record(certificate.identifier, "guessed")
    missing = verification.verify_record(certificate.identifier, "")
    assert not wrong.authentic and wrong.certificate is None and codes(wrong) == {"unknown"}
    assert codes(missing) == {"unknown"}
    # Another number, and a check character that differs from the real one (the number
    # comes from a sequence: it is not the same in every run).
    parts = certificate.identifier.split(".")
    parts[-3] = str(int(parts[-3]) + 1)
    other = ".".join(parts)
    other = other[:-1] + ("1" if other[-1] == "0" else "0")
    assert other != certificate.identifier
    unknown = verification.verify_record(other, certificate.verify_token)
    assert not unknown.authentic and codes(unknown) <= {"unknown", "malformed"}
    assert wrong.public()["certificate"] is None


def test_a_malformed_identifier(db):
    verdict = verification.verify_record("1.2.156.3005.2.nonsense", "x")
    assert not verdict.authentic and codes(verdict) == {"malformed"}


def test_a_record_changed_in_the_database_is_not_authentic(issued):
    certificate, _data = issued
    Certificate.objects.filter(pk=certificate.pk).update(valid_to=dt.date(2099, 12, 31))
    verdict = verification.verify_record(certificate.identifier, certificate.verify_token)
    assert not verdict.authentic and codes(verdict) == {"metadata_signature"}


def test_a_revoked_certificate_shows_revoked(cw, issued):
    certificate, data = issued
    actions.change_status(cw.p(cw.base.chief), certificate, "revoke", reason="以欺骗手段取得")
    verdict = verification.verify_record(certificate.identifier, certificate.verify_token)
    assert verdict.authentic and verdict.status_name == "revoked" and verdict.status == "03"
    assert not verdict.currently_valid
    uploaded = verification.verify_pdf(data)
    assert uploaded.authentic and uploaded.status_name == "revoked"


def test_past_its_last_day_a_certificate_is_expired(issued):
    certificate, _data = issued
    assert certificate.valid_to == dt.date(2031, 5, 10)
    with time_machine.travel(dt.datetime(2031, 5, 10, 23, tzinfo=TZ), tick=False):
        verdict = verification.verify_record(certificate.identifier, certificate.verify_token)
        assert verdict.status_name == "valid"
    with time_machine.travel(dt.datetime(2031, 5, 11, 9, tzinfo=TZ), tick=False):
        verdict = verification.verify_record(certificate.identifier, certificate.verify_token)
        assert verdict.authentic and verdict.status_name == "expired"


# ---------------------------------------------------------------- an uploaded file


def test_the_file_as_issued_is_authentic(issued):
    certificate, data = issued
    verdict = verification.verify_pdf(data)
    assert verdict.authentic, verdict.reasons
    assert verdict.certificate.pk == certificate.pk and verdict.status_name == "valid"


def _byte_range(data: bytes) -> list[int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    return [int(n) for n in match.groups()]


def _flipped(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_one_changed_byte_anywhere_fails(issued):
    _certificate, data = issued
    start1, length1, start2, length2 = _byte_range(data)
    assert start1 == 0 and start2 + length2 == len(data)  # the whole file but /Contents
    positions = [
        length1 // 2,  # inside the page, fonts and QR code
        length1 // 3,
        length1 - 5,
        start2 + length2 // 2,  # after the signature: its dictionary, the xref
        length1 + 40,  # inside the signature value itself
    ]
    for position in positions:
        verdict = verification.verify_pdf(_flipped(data, position))
        assert not verdict.authentic, position
        assert verdict.reasons and verdict.certificate is None


def test_a_changed_character_of_the_page_fails_as_altered(issued):
    """A change that keeps the file readable: the signature itself says it was altered."""
    _certificate, data = issued
    position = data.index(b"/Producer")
    changed = data[:position] + b"/Producfr" + data[position + 9 :]
    verdict = verification.verify_pdf(changed)
    assert not verdict.authentic
    assert {"altered", "file_hash"} <= codes(verdict)


def test_a_cut_or_an_addition_fails(issued):
    _certificate, data = issued
    for changed in (data[:-1], data[: len(data) // 2], data + b"\n", data + b"%%EOF\n% more\n"):
        verdict = verification.verify_pdf(changed)
        assert not verdict.authentic


def test_an_incremental_update_after_signing_fails(issued):
    """Someone appends a revision that changes the holder's name (a valid PDF update)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _certificate, data = issued
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"].get_object() if "/Info" in writer.trailer else None
    if info is not None:
        info["/Author"] = generic.TextStringObject("伪造机关")
        writer.update_container(info)
    writer.root["/Lang"] = generic.TextStringObject("zh")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    verdict = verification.verify_pdf(out.getvalue())
    assert not verdict.authentic
    assert "coverage" in codes(verdict) or "altered" in codes(verdict)


def test_a_file_that_is_not_ours(db):
    from tongban.core.pdf import Section, build_document

    plain = build_document("食品经营许可证", "伪造", [Section("持证主体", ["李四"])], "—")
    assert codes(verification.verify_pdf(plain)) == {"unsigned"}
    assert codes(verification.verify_pdf(b"GIF89a not a pdf")) == {"not_pdf"}
    assert codes(verification.verify_pdf(b"%PDF-1.7\n garbage")) <= {"unreadable", "unsigned"}
    assert not verification.verify_pdf(b"%PDF-1.7\n garbage").authentic


def test_a_file_signed_with_another_key_fails(issued, settings, tmp_path):
    """Same page, same identifier, signed by someone else's key: not ours."""
    from tongban.certificates import pdf, signing

    certificate, _data = issued
    ours, original = signing.signer().key_id, settings.VAR_DIR
    settings.VAR_DIR = tmp_path / "elsewhere"
    signing.reset()
    forged = pdf.signed(certificate, signing.signer())
    assert signing.signer().key_id != ours
    settings.VAR_DIR = original
    signing.reset()
    assert signing.signer().key_id == ours
    verdict = verification.verify_pdf(forged)
    assert not verdict.authentic and {"signer", "file_hash"} <= codes(verdict)
