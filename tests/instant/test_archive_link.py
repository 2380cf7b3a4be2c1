"""An instantly issued certificate joins its holder's archive with its signed PDF,
whichever is ready first: the archived result or the rendered file."""

import pytest

from tongban.archive import actions as archive
from tongban.archive.models import ArchivedDocument
from tongban.certificates import actions as certificates
from tongban.certificates.models import Certificate

from .conftest import apply, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pdf_first", [True, False])
def test_the_certificate_pdf_is_the_archived_result(demo_city, pdf_first):
    case_id = apply(client_for("citizen"), "senior_card").json()["case_id"]
    certificate = Certificate.objects.get(case_id=case_id)

    if pdf_first:
        certificates.ensure_file(certificate)
        archive.follow(case_id, "issue_result")
    else:
        archive.follow(case_id, "issue_result")
        certificates.ensure_file(certificate)

    document = ArchivedDocument.objects.get(source_case_id=case_id, kind="result")
    certificate.refresh_from_db()
    assert document.file.name == certificate.file.name
    assert document.name == "老年人优待证" and document.sha256 == certificate.file_sha256
