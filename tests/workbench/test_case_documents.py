"""The case's written documents on the workbench: listed on the case detail, served as PDFs
only to staff who may see the case, and only those the case has had issued."""

import pytest
from django.urls import reverse

from tests.cases.conftest import world  # noqa: F401 (the fixture)
from tests.cases.helpers import online_case
from tests.factories import AgencyFactory, staff
from tongban.cases import actions, documents
from tongban.org.models import StaffRole

pytestmark = pytest.mark.django_db


def document_url(case, kind: str) -> str:
    return reverse("workbench:case-document", args=[case.pk, kind])


def accepted(world):  # noqa: F811
    case = actions.submit(world.p(world.citizen), online_case(world))
    return actions.accept(world.p(world.clerk), case, service_point=world.hall)


def test_the_case_detail_links_every_document_issued(client, world):  # noqa: F811
    case = accepted(world)
    assert documents.available_documents(case) == [documents.RECEIPT, documents.ACCEPTANCE]
    client.force_login(world.reviewer)
    html = client.get(reverse("workbench:case", args=[case.pk])).content.decode()
    block = html.split('id="documents-title"')[1].split("</section>")[0]
    assert "文书" in html.split('id="documents-title"')[1].split("</h2>")[0]
    assert f'href="{document_url(case, documents.RECEIPT)}"' in block
    assert f'href="{document_url(case, documents.ACCEPTANCE)}"' in block
    assert "收件凭证" in block
    assert document_url(case, documents.APPROVAL) not in block


def test_a_draft_has_no_document_yet(client, world):  # noqa: F811
    case = online_case(world)
    client.force_login(world.clerk)
    html = client.get(reverse("workbench:case", args=[case.pk])).content.decode()
    block = html.split('id="documents-title"')[1].split("</section>")[0]
    assert "data-documents" not in block
    assert client.get(document_url(case, documents.RECEIPT)).status_code == 404


def test_staff_who_may_see_the_case_get_the_pdf(client, world):  # noqa: F811
    case = accepted(world)
    for user in (world.clerk, world.reviewer, world.chief):
        client.force_login(user)
        response = client.get(document_url(case, documents.ACCEPTANCE))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f'filename="{case.code}-acceptance.pdf"' in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_others_are_refused(client, world):  # noqa: F811
    case = accepted(world)
    stranger = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory(), username="stranger")
    client.force_login(stranger)
    assert client.get(document_url(case, documents.RECEIPT)).status_code == 403
    # The applicant has the portal for their own documents, not the workbench.
    client.force_login(world.citizen)
    assert client.get(document_url(case, documents.RECEIPT)).status_code == 403
    client.logout()
    response = client.get(document_url(case, documents.RECEIPT))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("kind", [documents.APPROVAL, documents.SUPPLEMENT, "nonsense"])
def test_a_document_the_case_does_not_have_is_not_found(client, world, kind):  # noqa: F811
    case = accepted(world)
    client.force_login(world.reviewer)
    assert client.get(document_url(case, kind)).status_code == 404
