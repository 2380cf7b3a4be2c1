"""Certificates on the cases ``world``: a certificate type for its food-business licence,
a case approved through the real case actions, and the signing key, files and tasks kept
apart from the developer's var/ (a temporary directory per test session)."""

import io
from dataclasses import dataclass

import pytest

from tests.cases.conftest import PDF, World, world  # noqa: F401 (the fixture)
from tests.cases.helpers import online_case
from tests.factories import StaffRole, applicant_account, staff
from tongban.cases import actions
from tongban.cases.models import Case
from tongban.certificates import signing
from tongban.certificates.models import Certificate, CertificateType
from tongban.org.models import User

TYPE_CODE = "11100000000013338W050"

LINES = [
    {"label": "经营场所", "key": "address"},
    {"label": "经营项目", "key": "description"},
    {"label": "有效期", "key": "validity"},
]


@pytest.fixture(scope="session")
def _signing_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(autouse=True)
def _own_var(settings, _signing_dir, tmp_path):
    """The development key in a directory of this test session (generated once for all
    the tests), stored files in the test's own directory."""
    settings.VAR_DIR = _signing_dir
    settings.TONGBAN_SIGNING_PKCS12 = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    signing.reset()
    yield
    signing.reset()


@dataclass
class CertWorld:
    base: World
    cert_type: CertificateType
    admin: User

    def p(self, user):
        return self.base.p(user)


@pytest.fixture
def cw(world) -> CertWorld:  # noqa: F811
    cert_type = CertificateType.objects.create(
        type_code=TYPE_CODE,
        name="食品经营许可证",
        validity_months=60,
        lines=LINES,
        number_prefix="JY",
    )
    cert_type.items.add(world.item)
    admin = staff(StaffRole.PLATFORM_ADMIN, username="platform-admin")
    return CertWorld(base=world, cert_type=cert_type, admin=admin)


FORM = {
    "contact_phone": "13900000000",
    "address": "德州市德城区天衢东路 66 号",
    "description": "热食类食品制售",
}


def reviewed(w: World, case: Case | None = None, form=None, submitter=None) -> Case:
    """An online application accepted and reviewed, waiting for the chief's decision."""
    if case is None:
        case = online_case(w)
        if form is not None:
            case = actions.update_draft(w.p(w.citizen), case, form_data=form)
    case = actions.submit(w.p(submitter or w.citizen), case)
    case = actions.accept(w.p(w.clerk), case, service_point=w.hall, window=w.window)
    return actions.complete_step(w.p(w.reviewer), case)


def approved_and_issued(w: World, **kwargs) -> Case:
    case = reviewed(w, form=kwargs.pop("form", FORM), **kwargs)
    case = actions.approve(w.p(w.chief), case)
    return actions.issue_result(w.p(w.chief), case)


def certificate_of(case: Case) -> Certificate:
    return Certificate.objects.select_related("cert_type").get(case=case)


def run_tasks() -> list[str]:
    """What the worker does with the certificates' queued work, in the test's transaction."""
    from django_tasks_db.models import DBTaskResult

    from tongban.certificates import tasks

    done = []
    queued = DBTaskResult.objects.filter(
        task_path__startswith="tongban.certificates.tasks.", status="READY"
    ).order_by("enqueued_at", "pk")
    for row in queued:
        function = getattr(tasks, row.task_path.rsplit(".", 1)[1])
        done.append(function.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        row.delete()
    return done


def other_applicant():
    return applicant_account(name="王五")


def as_upload(data: bytes, name: str = "certificate.pdf"):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


__all__ = ["PDF"]
