"""The certificate library (证照库) as a data source: which certificates a subject holds.

Registered on the data-source port (``core.adapters.data_sources``) as
``certificate_library``; the sharing app asks it like any register and records each query.
The subject is looked up by its blind index: the resident ID number or credit code is
never stored in clear.
"""

from typing import Any

from tongban.core.adapters import register
from tongban.core.adapters.data_sources import PORT, SourceRequest

from .services import effective_status, held_by, status_name


@register(PORT, "certificate_library")
class CertificateLibrary:
    def fetch(self, request: SourceRequest) -> dict[str, Any] | None:
        """``{"certificates": [...]}`` of the subject, newest first; None if they hold none.

        ``request.options`` may narrow it: ``type_code`` (one type) and ``valid_only``
        (only those valid today)."""
        certificates = held_by(request.subject).order_by("-issue_date", "-pk")
        type_code = request.options.get("type_code")
        if type_code:
            certificates = certificates.filter(type_code=str(type_code).upper())
        rows = []
        for certificate in certificates:
            status = effective_status(certificate)
            if request.options.get("valid_only") and status_name(status) != "valid":
                continue
            rows.append(
                {
                    "type_code": certificate.type_code,
                    "type_name": certificate.type_name,
                    "identifier": certificate.identifier,
                    "number": certificate.number,
                    "status": status_name(status),  # valid, suspended, revoked, …
                    "status_code": status,  # the national code: 01 有效 …
                    "valid_from": certificate.valid_from.isoformat(),
                    "valid_to": certificate.valid_to.isoformat() if certificate.valid_to else None,
                    "issuer_name": certificate.issuer_name,
                }
            )
        return {"certificates": rows} if rows else None
