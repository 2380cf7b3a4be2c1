"""A certificate's metadata (GB/T 36903, the minimal set of domain.md §8) and its signature.

The signed metadata is what does not change over the certificate's life: who, what, by
whom, from when to when, and the printed fields. The status is not in it (it changes; the
platform answers it live), nor the file's hash (the PDF is signed on its own, PAdES).
The canonical form is JSON with sorted keys, no spaces, UTF-8 (not ASCII-escaped).
"""

import base64
import json
from typing import Any

from tongban.core import crypto

from .models import Certificate
from .signing import Signer


def metadata(certificate: Certificate, holder_id: str | None = None) -> dict[str, Any]:
    """The signed metadata; ``holder_id`` spares a decryption when the caller has it."""
    if holder_id is None:
        holder_id = crypto.decrypt(certificate.holder_id_encrypted)
    return {
        "cert_identifier": certificate.identifier,
        "cert_type_code": certificate.type_code,
        "cert_type_name": certificate.type_name,
        "cert_number": certificate.number,
        "issuer_name": certificate.issuer_name,
        "issuer_code": certificate.issuer_code,
        "issue_date": certificate.issue_date.isoformat(),
        "valid_from": certificate.valid_from.isoformat(),
        "valid_to": certificate.valid_to.isoformat() if certificate.valid_to else None,
        "holder_name": certificate.holder_name,
        "holder_id_type": certificate.holder_id_type,
        "holder_id": holder_id,
        "version": certificate.version,
        "associated_identifier": certificate.previous.identifier
        if certificate.previous_id
        else None,
        "file_format": "PDF",
        "data": certificate.data,
    }


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(signer: Signer, certificate: Certificate, holder_id: str) -> None:
    """Set the certificate's metadata signature and the key that made it."""
    signature = signer.sign_metadata(canonical(metadata(certificate, holder_id)))
    certificate.metadata_signature = base64.b64encode(signature).decode()
    certificate.signer_key = signer.key_id


def signature_valid(signer: Signer, certificate: Certificate) -> bool:
    """True if the stored metadata still carries the signer's signature."""
    if certificate.signer_key != signer.key_id:
        return False
    try:
        signature = base64.b64decode(certificate.metadata_signature, validate=True)
    except ValueError:
        return False
    return signer.verify_metadata(canonical(metadata(certificate)), signature)
