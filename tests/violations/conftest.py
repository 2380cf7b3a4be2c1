"""Violation notices on the certificates' world: its food-business licence, approved and
issued with a certificate, supervised by a market-supervision department with an officer
(and an officer of a department that does not supervise it)."""

import io
from dataclasses import dataclass

import pytest

from tests.cases.conftest import PDF, World, world  # noqa: F401 (the fixture)
from tests.certificates.conftest import (  # noqa: F401 (fixtures)
    CertWorld,
    _own_var,
    _signing_dir,
    approved_and_issued,
    certificate_of,
    cw,
)
from tests.factories import AgencyFactory, StaffRole, staff
from tongban.cases.models import Case
from tongban.catalog.models import ItemVersion
from tongban.certificates.models import Certificate
from tongban.org.models import Agency, User
from tongban.violations import actions
from tongban.violations.models import ViolationNotice


@dataclass
class VWorld:
    cw: CertWorld
    base: World
    department: Agency
    officer: User
    other_department: Agency
    other_officer: User
    licence: Case
    certificate: Certificate

    def p(self, user):
        return self.base.p(user)


def supervise(item, agency: Agency) -> None:
    """Add a supervising department to the item's published version (immutable through
    the M2M manager; the through table is written directly, as a catalog edit would have)."""
    through = ItemVersion.supervising_agencies.through
    for version in ItemVersion.objects.filter(item=item):
        through.objects.create(itemversion_id=version.pk, agency_id=agency.pk)


@pytest.fixture
def vw(cw) -> VWorld:  # noqa: F811
    w = cw.base
    department = AgencyFactory(name="德州市市场监督管理局", kind=Agency.Kind.SUPERVISING_DEPARTMENT)
    other = AgencyFactory(name="德州市卫生健康委员会", kind=Agency.Kind.SUPERVISING_DEPARTMENT)
    supervise(w.item, department)
    licence = approved_and_issued(w)
    return VWorld(
        cw=cw,
        base=w,
        department=department,
        officer=staff(
            StaffRole.SUPERVISING_OFFICER,
            agency=department,
            username="supervisor",
            full_name="赵磊",
        ),
        other_department=other,
        other_officer=staff(StaffRole.SUPERVISING_OFFICER, agency=other, username="health"),
        licence=licence,
        certificate=certificate_of(licence),
    )


def evidence(name: str = "现场检查笔录.pdf", data: bytes = PDF):
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def file_notice(vw: VWorld, **overrides) -> ViolationNotice:
    fields = {
        "kind": "commitment",
        "facts": "经现场核查，经营场所与承诺不符。",
        "legal_basis": "《中华人民共和国行政许可法》第六十九条",
        "proposed_measure": "revoke",
        "evidence": [evidence()],
    }
    fields.update(overrides)
    who = fields.pop("who", vw.officer)
    case = fields.pop("case", vw.licence)
    return actions.report(vw.p(who), case, **fields)
