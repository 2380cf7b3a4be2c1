"""The certificate benchmark's data still matches the models: its approved clones get
their certificate from the real ``issue_result``, and it renders and signs."""

from bench import cases_fixture, certificates_pdf
from tongban.cases import actions as case_actions
from tongban.cases.models import Case
from tongban.certificates import pdf
from tongban.certificates.models import Certificate
from tongban.certificates.signing import signer
from tongban.org.policy import principal_for_user

from .conftest import run_tasks


def test_the_bench_cases_get_certificates_from_the_real_action(db):
    w = cases_fixture.world()
    certificates_pdf._certificate_type(w)
    [pk] = certificates_pdf._approved(w, 1)
    case_actions.issue_result(principal_for_user(w.chief), Case(pk=pk))
    certificate = Certificate.objects.select_related("cert_type").get(case_id=pk)
    assert certificate.data["address"] == "德州市德城区天衢东路 66 号"
    assert pdf.signed(certificate, signer()).startswith(b"%PDF-")
    assert "rendered" in run_tasks()
    assert certificates_pdf._one_line_pdf(None).startswith(b"%PDF-")
