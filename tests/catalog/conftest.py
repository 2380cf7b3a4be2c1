"""Catalog test fixtures: the approval bureau and its catalog administrator."""

import pytest

from tests.factories import AgencyFactory, staff
from tongban.org.models import Agency, StaffRole


@pytest.fixture
def bureau():
    return AgencyFactory(kind=Agency.Kind.APPROVAL_BUREAU)


@pytest.fixture
def editor(bureau):
    return staff(StaffRole.CATALOG_ADMIN, agency=bureau)
