"""Checks on received files: size, and a type known by its first bytes, not by its name."""

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Scans and electronic documents; no executables, no office macros.
SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"PK\x03\x04", "application/ofd", "ofd"),  # OFD (GB/T 33190) is a zip container
]


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    size: int


def max_upload_bytes() -> int:
    return int(getattr(settings, "TONGBAN_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def check_upload(stream: BinaryIO, name: str) -> CheckedFile:
    limit = max_upload_bytes()
    content = stream.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": limit // (1024 * 1024)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            if extension == "ofd" and not name.lower().endswith(".ofd"):
                break  # a zip that is not named OFD: likely an office file or an archive
            return CheckedFile(
                content=content,
                content_type=content_type,
                extension=extension,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
    raise ValidationError(
        _("%(name)s is not a PDF, JPEG, PNG or OFD file.") % {"name": name}, code="file_type"
    )
