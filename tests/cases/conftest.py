"""A small world for case tests: an agency, a hall with a comprehensive window, its staff,
an applicant and a published item (food business licence) that can be applied for online."""

from dataclasses import dataclass

import pytest

from tests.catalog.factories import published_item
from tests.factories import (
    AgencyFactory,
    ServicePointFactory,
    StaffRole,
    WindowFactory,
    applicant_account,
    staff,
)
from tongban.catalog.actions import current_version
from tongban.catalog.models import Item, ItemVersion, SituationOption
from tongban.org.models import Agency, Applicant, ServicePoint, User, Window
from tongban.org.policy import Principal, principal_for_user


@dataclass
class World:
    agency: Agency
    hall: ServicePoint
    window: Window
    clerk: User
    reviewer: User
    chief: User
    chief2: User
    citizen: User
    applicant: Applicant
    item: Item

    def p(self, user: User) -> Principal:
        user._tongban_assignments = None
        if hasattr(user, "_tongban_assignments"):
            del user._tongban_assignments
        return principal_for_user(user)

    def answers(self, *texts: str) -> list[int]:
        """Answer ids in the version in force (a test may publish a newer one)."""
        version = current_version(self.item)
        return [
            SituationOption.objects.get(question__version=version, text=text).pk for text in texts
        ]


@pytest.fixture
def world(db) -> World:
    agency = AgencyFactory(name="市市场监督管理局")
    hall = ServicePointFactory(name="德州市政务服务中心")
    window = WindowFactory(service_point=hall, number="A01")
    item = published_item(agency)
    ItemVersion.objects.filter(item=item).update(online_depth=4)
    citizen, applicant = applicant_account(name="李四")
    return World(
        agency=agency,
        hall=hall,
        window=window,
        clerk=staff(StaffRole.WINDOW_CLERK, service_point=hall, username="clerk"),
        reviewer=staff(StaffRole.BACKOFFICE_REVIEWER, agency=agency, username="reviewer"),
        chief=staff(StaffRole.SECTION_CHIEF, agency=agency, username="chief"),
        chief2=staff(StaffRole.SECTION_CHIEF, agency=agency, username="chief2"),
        citizen=citizen,
        applicant=applicant,
        item=item,
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
