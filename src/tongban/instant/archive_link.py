"""A certificate joins its holder's archive (一企一档 / 一人一档).

The archive records an issued result as a document without a file (it cannot know the
certificates app, its sibling); this floor knows both. Whichever comes second — the
archived result or the certificate's signed PDF — fills the archived document with the
PDF, named as the certificate type, so a later application reuses it like any file.
"""

from django.db.models.signals import post_save

from tongban.archive.models import ArchivedDocument
from tongban.catalog.bundles import material_key
from tongban.certificates.models import Certificate


def _fill(certificate: Certificate) -> int:
    if not certificate.file or certificate.case_id is None:
        return 0
    return ArchivedDocument.objects.filter(
        source_case_id=certificate.case_id, kind=ArchivedDocument.Kind.RESULT, file=""
    ).update(
        file=certificate.file.name,
        name=certificate.type_name,
        material_key=material_key(certificate.type_name),
        sha256=certificate.file_sha256,
        size=certificate.file.size,
        content_type="application/pdf",
    )


def on_certificate_saved(sender, instance: Certificate, **_kwargs) -> None:
    _fill(instance)


def on_document_saved(sender, instance: ArchivedDocument, created: bool, **_kwargs) -> None:
    if created and instance.kind == ArchivedDocument.Kind.RESULT and not instance.file:
        certificate = Certificate.objects.filter(case_id=instance.source_case_id).first()
        if certificate is not None:
            _fill(certificate)


def connect() -> None:
    post_save.connect(on_certificate_saved, sender=Certificate, dispatch_uid="instant.cert_file")
    post_save.connect(on_document_saved, sender=ArchivedDocument, dispatch_uid="instant.archived")
